import { runApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { MetricsConfig } from './metrics-config';

runApp(MetricsConfig, (config) => AppModule.forConfig(config));

import { runApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { XdsConfig } from './xds-config';

runApp(XdsConfig, (config) => AppModule.forConfig(config));

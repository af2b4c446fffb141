import { runApp } from '@envoy-fleet/observability';
import { ApiConfig } from './api-config';
import { AppModule } from './app.module';
import { configureApi } from './configure-api';

runApp(ApiConfig, (config) => AppModule.forConfig(config), configureApi);

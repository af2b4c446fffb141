import { defineApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { configureApi } from './configure-api';
import { ApiConfig } from './api-config';

/** api-gateway as the fleet runs it: alone in its container (main.ts) or beside the others (apps/fleet). */
export const app = defineApp({
  name: 'api-gateway',
  configClass: ApiConfig,
  moduleFor: (config) => AppModule.forConfig(config),
  configure: configureApi,
});

import { defineApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { XdsConfig } from './xds-config';

/** xds-server as the fleet runs it: alone in its container (main.ts) or beside the others (apps/fleet). */
export const app = defineApp({
  name: 'xds-server',
  configClass: XdsConfig,
  moduleFor: (config) => AppModule.forConfig(config),
});

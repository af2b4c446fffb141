import { defineApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { MetricsConfig } from './metrics-config';

/** metrics-service as the fleet runs it: alone in its container (main.ts) or beside the others (apps/fleet). */
export const app = defineApp({
  name: 'metrics-service',
  configClass: MetricsConfig,
  moduleFor: (config) => AppModule.forConfig(config),
});

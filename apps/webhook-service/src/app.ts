import { defineApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { WebhookConfig } from './webhook-config';

/** webhook-service as the fleet runs it: alone in its container (main.ts) or beside the others (apps/fleet). */
export const app = defineApp({
  name: 'webhook-service',
  configClass: WebhookConfig,
  moduleFor: (config) => AppModule.forConfig(config),
});

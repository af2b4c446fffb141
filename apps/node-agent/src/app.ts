import { defineApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { AgentConfig } from './agent-config';

/** node-agent as the fleet runs it: alone in its container (main.ts) or beside the others (apps/fleet). */
export const app = defineApp({
  name: 'node-agent',
  configClass: AgentConfig,
  moduleFor: (config) => AppModule.forConfig(config),
});

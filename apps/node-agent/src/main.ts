import { runApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { AgentConfig } from './agent-config';

runApp(AgentConfig, (config) => AppModule.forConfig(config));

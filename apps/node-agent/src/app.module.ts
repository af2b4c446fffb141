import { TypedConfigModule } from '@envoy-fleet/config';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { AgentConfig } from './agent-config';
import { ApiReadiness } from './api-readiness';

/** node-agent: proxy supervision comes in a later issue; it boots, checks the API, and reports. */
@Module({})
export class AppModule {
  static forConfig(config: AgentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(AgentConfig, config),
        ObservabilityModule.forRoot({ app: 'node-agent', readinessChecks: [ApiReadiness] }),
      ],
    };
  }
}

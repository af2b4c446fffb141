import { TypedConfigModule } from '@envoy-fleet/config';
import { MessagingModule } from '@envoy-fleet/messaging';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { AgentConfig } from './agent-config';
import { AgentReadiness } from './agent-readiness';
import { SupervisionModule } from './supervision.module';

/** node-agent: registers its VM and runs the proxies the API assigns to it. */
@Module({})
export class AppModule {
  static forConfig(config: AgentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(AgentConfig, config),
        ObservabilityModule.forRoot({
          app: 'node-agent',
          readinessChecks: [AgentReadiness],
          imports: [SupervisionModule],
        }),
        SupervisionModule,
        // Pushes need NATS; without it (or in npm start's one process) the periodic resync suffices.
        ...(config.NATS_URL
          ? [
              MessagingModule.forRoot({
                natsUrl: config.NATS_URL,
                clientName: 'node-agent',
                dataDir: config.FLEET_DATA_DIR,
              }),
            ]
          : []),
      ],
    };
  }
}

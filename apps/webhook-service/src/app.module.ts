import { TypedConfigModule } from '@envoy-fleet/config';
import { EventBusReadiness, MessagingModule } from '@envoy-fleet/messaging';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { WebhookConfig } from './webhook-config';

/** webhook-service: subscriptions and deliveries come in a later issue; it boots, checks NATS, and reports. */
@Module({})
export class AppModule {
  static forConfig(config: WebhookConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(WebhookConfig, config),
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          clientName: 'webhook-service',
          dataDir: config.FLEET_DATA_DIR,
        }),
        ObservabilityModule.forRoot({ app: 'webhook-service', readinessChecks: [EventBusReadiness] }),
      ],
    };
  }
}

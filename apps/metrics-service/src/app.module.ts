import { TypedConfigModule } from '@envoy-fleet/config';
import { EventBusReadiness, MessagingModule } from '@envoy-fleet/messaging';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { MetricsConfig } from './metrics-config';

/** metrics-service: subscriptions and deliveries come in a later issue; it boots, checks NATS, and reports. */
@Module({})
export class AppModule {
  static forConfig(config: MetricsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(MetricsConfig, config),
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          clientName: 'metrics-service',
          dataDir: config.FLEET_DATA_DIR,
        }),
        ObservabilityModule.forRoot({ app: 'metrics-service', readinessChecks: [EventBusReadiness] }),
      ],
    };
  }
}

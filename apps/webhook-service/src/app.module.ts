import { TypedConfigModule } from '@envoy-fleet/config';
import { DataAccessModule, DatabaseReadiness } from '@envoy-fleet/data-access';
import { EventBusReadiness, MessagingModule } from '@envoy-fleet/messaging';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { AlertmanagerController } from './alerts/alertmanager.controller';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { WebhookConfig } from './webhook-config';

/** webhook-service: delivers fleet events to the tenants' webhook subscriptions. */
@Module({})
export class AppModule {
  static forConfig(config: WebhookConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(WebhookConfig, config),
        DataAccessModule.forRoot({ databaseUrl: config.DATABASE_URL, dataDir: config.FLEET_DATA_DIR }),
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          clientName: 'webhook-service',
          dataDir: config.FLEET_DATA_DIR,
        }),
        ObservabilityModule.forRoot({
          app: 'webhook-service',
          readinessChecks: [DatabaseReadiness, EventBusReadiness],
        }),
        DeliveriesModule,
      ],
      controllers: [AlertmanagerController],
    };
  }
}

import { Module } from '@nestjs/common';
import { AttemptRecorder } from './attempt-recorder';
import { DeliveryDispatcher } from './delivery-dispatcher.service';
import { DeliveryIntake } from './delivery-intake';
import { DueDeliveriesPoller } from './due-deliveries.poller';
import { FleetEventsHandler } from './fleet-events.handler';
import { SubscriptionCache } from './subscription-cache';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookSecrets } from './webhook-secrets';

/** Fleet events in, webhook deliveries out. */
@Module({
  providers: [
    WebhookMetrics,
    WebhookSecrets,
    SubscriptionCache,
    AttemptRecorder,
    DeliveryDispatcher,
    DeliveryIntake,
    FleetEventsHandler,
    DueDeliveriesPoller,
  ],
})
export class DeliveriesModule {}

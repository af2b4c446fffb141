import { NewWebhookDelivery, WebhookSubscriptionRecord } from '@envoy-fleet/data-access';
import { deliveryIdOf, eventTypeOfSubject, matchesEventTypes, isUuid } from '@envoy-fleet/domain';
import type { Json } from '@envoy-fleet/data-access';
import {
  EVENT_BUS,
  EventBus,
  ReceivedEvent,
  SubjectHandler,
  Subjects,
  SubscribeOptions,
  tenantOfSubject,
} from '@envoy-fleet/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { WebhookConfig } from '../webhook-config';
import { DeliveryDispatcher } from './delivery-dispatcher.service';
import { DeliveryIntake } from './delivery-intake';
import { commitOf } from './github-status';
import { SubscriptionCache } from './subscription-cache';

/**
 * Consumes every fleet event (durably) and records one delivery per matching subscription before
 * acknowledging it, so no event is lost; then tries the new deliveries at once. Many events are
 * in flight at once, and their rows are inserted together (DeliveryIntake).
 */
@Injectable()
export class FleetEventsHandler extends SubjectHandler<unknown> {
  readonly subscribeOptions: SubscribeOptions;

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    config: WebhookConfig,
    private readonly intake: DeliveryIntake,
    private readonly subscriptions: SubscriptionCache,
    private readonly dispatcher: DeliveryDispatcher,
  ) {
    super(bus);
    // Durable: events wait in the stream while webhook-service is away, and replicas share them.
    this.subscribeOptions = {
      subject: Subjects.allEvents,
      durable: config.WEBHOOK_CONSUMER_NAME,
      maxInFlight: config.WEBHOOK_EVENTS_IN_FLIGHT,
    };
  }

  async handle(payload: unknown, event: ReceivedEvent<unknown>): Promise<void> {
    const eventType = eventTypeOfSubject(event.subject);
    if (!eventType) return;
    const tenantId = tenantOfSubject(event.subject);
    if (!isUuid(tenantId)) return;
    if (eventType === 'webhook.changed') this.subscriptions.invalidate();
    const eventAt = occurredAt(payload);
    const matching = (await this.subscriptions.forTenant(tenantId)).filter((s) =>
      wants(s, eventType, payload, eventAt),
    );
    if (matching.length === 0) return;
    await this.dispatcher.room();
    const leasedUntil = new Date(Date.now() + this.dispatcher.leaseMs);
    const rows: NewWebhookDelivery[] = matching.map((s) => ({
      id: deliveryIdOf(event.msgId, s.id),
      tenantId,
      subscriptionId: s.id,
      eventType,
      eventMsgId: event.msgId,
      payload: (payload ?? null) as Json,
      eventAt,
      leasedUntil,
    }));
    const inserted = await this.intake.record(rows);
    // A repeated event's deliveries exist already: the poller owns them (due, or done).
    for (const [i, row] of rows.entries()) {
      if (inserted.has(row.id)) {
        this.dispatcher.dispatch({ ...row, payload, attempts: 0 }, matching[i]);
      }
    }
  }
}

function wants(
  subscription: WebhookSubscriptionRecord,
  eventType: string,
  payload: unknown,
  eventAt: Date,
): boolean {
  // A subscription gets events from its creation on, not the stream's history (a new consumer
  // reads the stream from its start); the slack absorbs clock skew between the apps.
  if (eventAt.getTime() < subscription.createdAt.getTime() - CREATION_SLACK_MS) return false;
  if (eventType === 'webhook.test') {
    return (payload as { subscriptionId?: string } | null)?.subscriptionId === subscription.id;
  }
  if (!matchesEventTypes(subscription.eventTypes, eventType)) return false;
  return subscription.kind !== 'github' || commitOf(payload) !== undefined;
}

const CREATION_SLACK_MS = 5000;

function occurredAt(payload: unknown): Date {
  const at = (payload as { occurredAt?: unknown } | null)?.occurredAt;
  const parsed = typeof at === 'string' ? new Date(at) : new Date();
  return Number.isNaN(parsed.getTime()) ? new Date() : parsed;
}

import { AppMetrics, contextFromHeaders, inSpan, subjectKind } from '@envoy-fleet/observability';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { Inject, OnApplicationBootstrap, BeforeApplicationShutdown, Optional } from '@nestjs/common';
import { EventBus, ReceivedEvent, SubscribeOptions, Subscription } from './event-bus';

/**
 * A thin consumer of one subject with a typed payload: subscribes when the app starts and stops
 * when it shuts down. Subclasses say what to subscribe to and how to handle one event.
 */
export abstract class SubjectHandler<T> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription?: Subscription;
  /** Counts each event handled; a property, so subclasses' constructors stay as they are. */
  @Optional() @Inject(AppMetrics) private readonly metrics?: AppMetrics;

  protected constructor(private readonly bus: EventBus) {}

  /** The subject filter, and a durable name if events must wait while the app is away. */
  abstract readonly subscribeOptions: SubscribeOptions;

  /** Handles one event; a rejection leaves it to be redelivered (durable subscriptions). */
  abstract handle(payload: T, event: ReceivedEvent<T>): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe<T>(this.subscribeOptions, (event) => this.traced(event));
  }

  /** Stops consuming before the database and the bus close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** A consumer span, child of the publisher's (from the event's `traceparent` header). */
  private traced(event: ReceivedEvent<T>): Promise<void> {
    const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': event.subject };
    // Only the headers say whose child it is: the in-process bus may deliver inside the publisher's call.
    const parent = contextFromHeaders(event.headers, ROOT_CONTEXT);
    return inSpan(
      `consume ${subjectKind(event.subject)}`,
      { kind: SpanKind.CONSUMER, attributes },
      () => this.counted(event),
      parent,
    );
  }

  private async counted(event: ReceivedEvent<T>): Promise<void> {
    const consumed = this.metrics?.events.consumed;
    try {
      await this.handle(event.payload, event);
      consumed?.inc({ subject: subjectKind(event.subject), outcome: 'ok' });
    } catch (error) {
      consumed?.inc({ subject: subjectKind(event.subject), outcome: 'failed' });
      throw error;
    }
  }
}

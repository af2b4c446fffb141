import { contextFromHeaders, inSpan, subjectKind, traceHeaders } from '@envoy-fleet/observability';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { EventBus } from './event-bus';

/** An event written in the same transaction as the change it describes. */
export interface OutboxEvent {
  id: bigint | number | string;
  subject: string;
  payload: unknown;
  msgId: string;
  /** Headers to publish with it: the W3C trace context of the write that added it. */
  headers?: Record<string, string>;
}

/** Where the relay reads unpublished events from and marks them published. */
export interface OutboxStore {
  /** Up to `limit` events not marked published yet, oldest first. */
  unpublished(limit: number): Promise<OutboxEvent[]>;
  markPublished(ids: OutboxEvent['id'][]): Promise<void>;
  /** How many rows wait and the oldest one's age in seconds, for `/metrics`. */
  backlog?(): Promise<{ count: number; oldestAgeSeconds: number }>;
}

export interface OutboxRelayOptions {
  batchSize: number;
  /** How often to look for events when nobody calls `kick()`. */
  pollIntervalMs: number;
  onError?: (error: unknown) => void;
  /** Called with how many events each pass published. */
  onPublished?: (count: number) => void;
  /** Called with each event once it is published and marked. */
  onEventPublished?: (event: OutboxEvent) => void;
}

/**
 * Publishes outbox rows to the bus in order, then marks them. A crash between publish and mark
 * republishes with the same msg id, which the bus drops as a duplicate: at least once, never twice.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = true;

  constructor(
    private readonly store: OutboxStore,
    private readonly bus: EventBus,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Publish now (called right after a write commits) instead of waiting for the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes until the outbox is empty; resolves with how many were published. */
  async drain(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const events = await this.store.unpublished(this.options.batchSize);
        if (events.length === 0) break;
        await this.publishAll(events);
        await this.store.markPublished(events.map((event) => event.id));
        total += events.length;
        if (this.options.onEventPublished) events.forEach(this.options.onEventPublished);
        this.options.onPublished?.(events.length);
        // A short batch was all there was; a write committed since then kicks again.
        if (events.length < this.options.batchSize) break;
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    return total;
  }

  /**
   * Sends the batch without waiting for each ack in turn: every publish is written to the bus in
   * call order (both buses take a message synchronously up to the write), so the stream keeps the
   * outbox order, and the acks are awaited together. If one fails nothing is marked; the batch is
   * sent again and the bus drops what it already has by msg id.
   */
  private async publishAll(events: OutboxEvent[]): Promise<void> {
    const results = await Promise.allSettled(events.map((event) => this.publish(event)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Publishes in a producer span continuing the write's trace; the consumer's span is its child. */
  private publish(event: OutboxEvent): Promise<void> {
    const parent = contextFromHeaders(event.headers, ROOT_CONTEXT);
    const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': event.subject };
    return inSpan(
      `publish ${subjectKind(event.subject)}`,
      { kind: SpanKind.PRODUCER, attributes },
      () =>
        this.bus.publish(event.subject, event.payload, event.msgId, { ...event.headers, ...traceHeaders() }),
      parent,
    );
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.kick(), this.options.pollIntervalMs);
  }
}

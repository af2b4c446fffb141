import type { EventBus, EventHandler, SubscribeOptions, Subscription } from '../event-bus';
import { InProcessStream } from './in-process-stream';
import { leaseSharedStream } from './shared-streams';

/** Where an InProcessEventBus keeps its events. */
export interface InProcessEventBusOptions {
  /** Directory of the journal (created if missing); without one, events live in memory only. */
  dir?: string;
}

/**
 * EventBus without a server, for running the fleet in one process: the same semantics as
 * JetStreamEventBus (de-duplication, durable consumers with acks and redelivery, retention), kept
 * in an append-only journal so that events and acks survive a restart.
 */
export class InProcessEventBus implements EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private closing?: Promise<void>;

  private constructor(
    private readonly stream: InProcessStream,
    private readonly release: () => Promise<void>,
  ) {}

  /** A bus of its own over the journal in `options.dir` (locked while open), or in memory. */
  static async open(options: InProcessEventBusOptions = {}): Promise<InProcessEventBus> {
    const stream = await InProcessStream.open(options.dir);
    return new InProcessEventBus(stream, () => stream.close());
  }

  /**
   * A handle on the one bus this process keeps for `dir`, as apps share a NATS server: closing a
   * handle closes its subscriptions, and the last one closes the bus and unlocks `dir`.
   */
  static async shared(dir: string): Promise<InProcessEventBus> {
    const lease = await leaseSharedStream(dir);
    return new InProcessEventBus(lease.stream, () => lease.release());
  }

  async publish(
    subject: string,
    payload: unknown,
    msgId: string,
    headers?: Record<string, string>,
  ): Promise<void> {
    this.assertOpen();
    await this.stream.publish(subject, payload, msgId, headers);
  }

  async subscribe<T>(options: SubscribeOptions, handler: EventHandler<T>): Promise<Subscription> {
    this.assertOpen();
    const subscription = await this.stream.subscribe(options, handler);
    const tracked: Subscription = {
      close: async () => {
        this.subscriptions.delete(tracked);
        await subscription.close();
      },
    };
    if (this.closing) {
      await subscription.close();
      this.assertOpen();
    }
    this.subscriptions.add(tracked);
    return tracked;
  }

  /** Resolves while the bus is open; there is no server to ask. */
  async ping(): Promise<void> {
    this.assertOpen();
  }

  /** Closes this handle's subscriptions, waiting for events being handled; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      await this.release();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('the in-process event bus is closed');
  }
}

/** A message handed to a subscriber; `ack` happens when the handler resolves. */
export interface ReceivedEvent<T> {
  subject: string;
  payload: T;
  /** The publisher's message id: stable across redeliveries, the key for idempotent handlers. */
  msgId: string;
  redelivered: boolean;
  /** Headers published with the event, e.g. the W3C trace context (`traceparent`) of the write. */
  headers: Record<string, string>;
}

export type EventHandler<T> = (event: ReceivedEvent<T>) => Promise<void>;

export interface SubscribeOptions {
  /** Subject filter, e.g. `fleet.config.updated.*`. */
  subject: string;
  /**
   * Durable consumer name: events are kept while the subscriber is away and redelivered until
   * acknowledged. Without one, the subscriber sees only events published after it subscribed.
   */
  durable?: string;
  /**
   * Durable only: how many of its messages this subscription may be handling at once (default 1:
   * one at a time, in order). Each message is acknowledged when its own handler resolves, so a
   * failure or a crash brings back only the messages not yet acknowledged; order is not kept.
   */
  maxInFlight?: number;
  /**
   * Durable only: how long a handed-out message may go unacknowledged before JetStream hands it out
   * again (default 30 s), e.g. after its subscriber's process died. The in-process bus has no other
   * process to wait for: its unacknowledged messages come back when its journal is reopened.
   */
  ackWaitMs?: number;
}

/** `options.maxInFlight` checked: a whole number from 1, and 1 without a durable. */
export function inFlightLimit(options: SubscribeOptions): number {
  const limit = options.maxInFlight ?? 1;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`maxInFlight must be a whole number from 1, not ${limit}`);
  }
  return options.durable ? limit : 1;
}

/** A running subscription. */
export interface Subscription {
  close(): Promise<void>;
}

/** Publishes and consumes fleet events; JetStream in production, in-process for embedded runs. */
export interface EventBus {
  /** Publishes once per `msgId`: a repeat within the de-duplication window is dropped. */
  publish(subject: string, payload: unknown, msgId: string, headers?: Record<string, string>): Promise<void>;
  subscribe<T>(options: SubscribeOptions, handler: EventHandler<T>): Promise<Subscription>;
  /** Resolves when the bus answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Injection token for the app's EventBus. */
export const EVENT_BUS = Symbol('EVENT_BUS');

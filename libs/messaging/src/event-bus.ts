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

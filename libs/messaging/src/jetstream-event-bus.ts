import {
  AckPolicy,
  ConsumerMessages,
  DeliverPolicy,
  jetstream,
  JetStreamApiError,
  JetStreamClient,
  jetstreamManager,
  JetStreamManager,
  JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  EventBus,
  EventHandler,
  inFlightLimit,
  ReceivedEvent,
  SubscribeOptions,
  Subscription,
} from './event-bus';
import {
  FLEET_DUPLICATE_WINDOW_MS,
  FLEET_REDELIVERY_DELAY_MS,
  FLEET_STREAM_MAX_AGE_MS,
} from './stream-limits';
import { FLEET_STREAM, FLEET_STREAM_SUBJECTS } from './subjects';

const NANOS_PER_MS = 1_000_000;
/** nats-server's own `max_ack_pending` for a consumer that names none. */
const DEFAULT_MAX_ACK_PENDING = 1000;
/** Messages the client asks for per pull (the client's own default). */
const PULL_BATCH = 100;

/** EventBus on NATS JetStream: one stream for every fleet subject, explicit acks, de-duplication by msg id. */
export class JetStreamEventBus implements EventBus {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /** Connects and creates (or updates) the fleet stream; safe to run at every boot. */
  static async connect(url: string, name: string): Promise<JetStreamEventBus> {
    const nc = await connect({ servers: url, name, maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(nc);
    const bus = new JetStreamEventBus(nc, jetstream(nc), jsm);
    await bus.ensureStream();
    return bus;
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: FLEET_STREAM,
      subjects: FLEET_STREAM_SUBJECTS,
      duplicate_window: FLEET_DUPLICATE_WINDOW_MS * NANOS_PER_MS,
      max_age: FLEET_STREAM_MAX_AGE_MS * NANOS_PER_MS,
    };
    try {
      await this.jsm.streams.info(FLEET_STREAM);
      await this.jsm.streams.update(FLEET_STREAM, config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error;
      await this.jsm.streams.add(config);
    }
  }

  async publish(
    subject: string,
    payload: unknown,
    msgId: string,
    headers?: Record<string, string>,
  ): Promise<void> {
    const entries = Object.entries(headers ?? {});
    const hdrs = entries.length > 0 ? natsHeaders() : undefined;
    for (const [name, value] of entries) hdrs?.set(name, value);
    await this.js.publish(subject, JSON.stringify(payload), {
      msgID: msgId,
      ...(hdrs ? { headers: hdrs } : {}),
    });
  }

  async subscribe<T>(options: SubscribeOptions, handler: EventHandler<T>): Promise<Subscription> {
    const maxInFlight = inFlightLimit(options);
    const consumer = options.durable
      ? await this.durableConsumer(options.durable, options.subject, maxInFlight, options.ackWaitMs)
      : await this.js.consumers.get(FLEET_STREAM, {
          filter_subjects: options.subject,
          deliver_policy: DeliverPolicy.New,
        });
    // The client pulls ahead of the handlers: keep at least a full window buffered.
    const messages = await consumer.consume({ max_messages: Math.max(PULL_BATCH, 2 * maxInFlight) });
    const done = this.pump(messages, handler, Boolean(options.durable), maxInFlight);
    return {
      close: async () => {
        await messages.close();
        await done;
      },
    };
  }

  private async durableConsumer(durable: string, subject: string, maxInFlight: number, ackWaitMs?: number) {
    // Adding an existing durable updates it (nats-server 2.9): settings left out go back to defaults.
    await this.jsm.consumers.add(FLEET_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: subject,
      deliver_policy: DeliverPolicy.All,
      ...(maxInFlight > DEFAULT_MAX_ACK_PENDING ? { max_ack_pending: maxInFlight } : {}),
      ...(ackWaitMs !== undefined ? { ack_wait: ackWaitMs * NANOS_PER_MS } : {}),
    });
    return this.js.consumers.get(FLEET_STREAM, durable);
  }

  /** Hands messages to `handler`, at most `maxInFlight` at once, each acked when its handler resolves. */
  private async pump<T>(
    messages: ConsumerMessages,
    handler: EventHandler<T>,
    acks: boolean,
    maxInFlight: number,
  ): Promise<void> {
    const running = new Set<Promise<void>>();
    const replies = new ReplyBatch();
    for await (const message of messages) {
      const handled = handleOne(message, handler, acks, replies).finally(() => running.delete(handled));
      running.add(handled);
      if (running.size >= maxInFlight) await Promise.race(running);
    }
    await Promise.all(running);
  }

  async ping(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

async function handleOne<T>(
  message: JsMsg,
  handler: EventHandler<T>,
  acks: boolean,
  replies: ReplyBatch,
): Promise<void> {
  let handled = true;
  try {
    await handler(toEvent<T>(message));
  } catch {
    handled = false;
  }
  if (!acks) return;
  // A failed handler leaves the event in the stream, to be tried again shortly.
  await replies.send(() => (handled ? message.ack() : message.nak(FLEET_REDELIVERY_DELAY_MS)));
}

/**
 * Sends the acks decided in one turn of the event loop together. The client writes to its socket
 * once per microtask that publishes; handlers resolving in the same turn (e.g. one batch commit)
 * would otherwise cost one write each, a fifth of the CPU of a busy subscriber.
 */
class ReplyBatch {
  private pending: (() => void)[] = [];
  private sent?: Promise<void>;

  /** Resolves once `reply` was handed to the client, at the end of this turn. */
  send(reply: () => void): Promise<void> {
    this.pending.push(reply);
    this.sent ??= new Promise((resolve) =>
      setImmediate(() => {
        const replies = this.pending;
        this.pending = [];
        this.sent = undefined;
        for (const each of replies) each();
        resolve();
      }),
    );
    return this.sent;
  }
}

function toEvent<T>(message: JsMsg): ReceivedEvent<T> {
  return {
    subject: message.subject,
    payload: message.json<T>(),
    msgId: message.headers?.get('Nats-Msg-Id') ?? `${message.seq}`,
    redelivered: message.redelivered,
    headers: publishedHeaders(message.headers),
  };
}

/** The publisher's headers, without the ones NATS itself uses (`Nats-*`). */
function publishedHeaders(hdrs: MsgHdrs | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of hdrs?.keys() ?? []) {
    if (!name.toLowerCase().startsWith('nats-')) headers[name] = hdrs?.get(name) ?? '';
  }
  return headers;
}

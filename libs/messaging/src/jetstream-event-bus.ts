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
import { EventBus, EventHandler, ReceivedEvent, SubscribeOptions, Subscription } from './event-bus';
import {
  FLEET_DUPLICATE_WINDOW_MS,
  FLEET_REDELIVERY_DELAY_MS,
  FLEET_STREAM_MAX_AGE_MS,
} from './stream-limits';
import { FLEET_STREAM, FLEET_STREAM_SUBJECTS } from './subjects';

const NANOS_PER_MS = 1_000_000;

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
    const consumer = options.durable
      ? await this.durableConsumer(options.durable, options.subject)
      : await this.js.consumers.get(FLEET_STREAM, {
          filter_subjects: options.subject,
          deliver_policy: DeliverPolicy.New,
        });
    const messages = await consumer.consume();
    const done = this.pump(messages, handler, Boolean(options.durable));
    return {
      close: async () => {
        await messages.close();
        await done;
      },
    };
  }

  private async durableConsumer(durable: string, subject: string) {
    await this.jsm.consumers.add(FLEET_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: subject,
      deliver_policy: DeliverPolicy.All,
    });
    return this.js.consumers.get(FLEET_STREAM, durable);
  }

  private async pump<T>(messages: ConsumerMessages, handler: EventHandler<T>, acks: boolean): Promise<void> {
    for await (const message of messages) {
      try {
        await handler(toEvent<T>(message));
        if (acks) message.ack();
      } catch {
        // The handler failed: leave the event in the stream and try again shortly.
        if (acks) message.nak(FLEET_REDELIVERY_DELAY_MS);
      }
    }
  }

  async ping(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    await this.nc.drain();
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

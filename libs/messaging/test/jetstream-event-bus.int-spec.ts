import { randomUUID } from 'node:crypto';
import { JetStreamEventBus, OutboxEvent, OutboxRelay, ReceivedEvent, Subjects } from '../src';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(JetStreamEventBus.name, () => {
  let bus: JetStreamEventBus;
  beforeAll(async () => {
    bus = await JetStreamEventBus.connect(NATS_URL, 'messaging-test');
  });
  afterAll(() => bus.close());

  it('creates the stream idempotently', async () => {
    const again = await JetStreamEventBus.connect(NATS_URL, 'messaging-test-2');
    await again.ping();
    await again.close();
  });

  it('drops a republished message id', async () => {
    const subject = Subjects.configUpdated(randomUUID());
    const received: ReceivedEvent<{ n: number }>[] = [];
    const sub = await bus.subscribe<{ n: number }>({ subject }, async (event) => {
      received.push(event);
    });
    const msgId = randomUUID();
    await bus.publish(subject, { n: 1 }, msgId);
    await bus.publish(subject, { n: 1 }, msgId);
    await bus.publish(subject, { n: 2 }, randomUUID());
    await waitFor(() => received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.map((event) => event.payload.n)).toEqual([1, 2]);
    expect(received[0].msgId).toBe(msgId);
    await sub.close();
  });

  it('keeps events for a durable consumer while it is away, and redelivers failures', async () => {
    const subject = Subjects.proxyStatus(randomUUID());
    const durable = `test-${randomUUID().slice(0, 8)}`;
    const seen: number[] = [];
    let failOnce = true;
    const first = await bus.subscribe<{ n: number }>({ subject, durable }, async (event) => {
      if (event.payload.n === 1 && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
      seen.push(event.payload.n);
    });
    await bus.publish(subject, { n: 1 }, randomUUID());
    await waitFor(() => seen.includes(1));
    await first.close();

    await bus.publish(subject, { n: 2 }, randomUUID());
    const second = await bus.subscribe<{ n: number }>({ subject, durable }, async (event) => {
      seen.push(event.payload.n);
    });
    await waitFor(() => seen.includes(2));
    expect(seen).toEqual([1, 2]);
    await second.close();
  });
});

describe(OutboxRelay.name, () => {
  it('publishes each outbox event once even when marking fails after publishing', async () => {
    const bus = await JetStreamEventBus.connect(NATS_URL, 'relay-test');
    const subject = Subjects.configUpdated(randomUUID());
    const rows: (OutboxEvent & { published: boolean })[] = [1, 2, 3].map((n) => ({
      id: n,
      subject,
      payload: { n },
      msgId: randomUUID(),
      published: false,
    }));
    let failMark = true;
    const store = {
      unpublished: async (limit: number) => rows.filter((row) => !row.published).slice(0, limit),
      markPublished: async (ids: OutboxEvent['id'][]) => {
        if (failMark) {
          failMark = false;
          throw new Error('crash between publish and mark');
        }
        for (const row of rows) if (ids.includes(row.id)) row.published = true;
      },
    };
    const received: number[] = [];
    const sub = await bus.subscribe<{ n: number }>({ subject }, async (event) => {
      received.push(event.payload.n);
    });
    const relay = new OutboxRelay(store, bus, { batchSize: 10, pollIntervalMs: 50 });
    expect(await relay.drain()).toBe(0);
    expect(await relay.drain()).toBe(3);
    await waitFor(() => received.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([1, 2, 3]);
    await sub.close();
    await bus.close();
  });

  it('keeps the outbox order while publishing a whole batch before awaiting the acks', async () => {
    const bus = await JetStreamEventBus.connect(NATS_URL, 'relay-order-test');
    const subject = Subjects.configUpdated(randomUUID());
    const rows: (OutboxEvent & { published: boolean })[] = Array.from({ length: 300 }, (_, n) => ({
      id: n,
      subject,
      payload: { n },
      msgId: randomUUID(),
      published: false,
    }));
    const store = {
      unpublished: async (limit: number) => rows.filter((row) => !row.published).slice(0, limit),
      markPublished: async (ids: OutboxEvent['id'][]) => {
        for (const row of rows) if (ids.includes(row.id)) row.published = true;
      },
    };
    const received: number[] = [];
    const sub = await bus.subscribe<{ n: number }>({ subject }, async (event) => {
      received.push(event.payload.n);
    });
    const relay = new OutboxRelay(store, bus, { batchSize: 100, pollIntervalMs: 50 });
    expect(await relay.drain()).toBe(300);
    await waitFor(() => received.length >= 300);
    expect(received).toEqual(rows.map((row) => row.id));
    await sub.close();
    await bus.close();
  });
});

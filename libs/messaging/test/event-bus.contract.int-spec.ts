import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EventBus, InProcessEventBus, JetStreamEventBus, ReceivedEvent } from '../src';
import { sleep, waitFor } from './polling';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * How one implementation is opened and cleaned up after; each `open()` is a separate bus. A bus
 * keeps its events in a place (the NATS server; the in-process bus's directory), where
 * `openAt(place)` finds them again after a restart.
 */
interface Implementation {
  name: string;
  /** `kind` argument of crashing-subscriber-process.ts. */
  kind: 'jetstream' | 'in-process';
  open(): Promise<EventBus>;
  newPlace(): Promise<string>;
  openAt(place: string): Promise<EventBus>;
  cleanUp(): Promise<void>;
}

function jetStream(): Implementation {
  return {
    name: JetStreamEventBus.name,
    kind: 'jetstream',
    open: () => JetStreamEventBus.connect(NATS_URL, 'event-bus-contract-test'),
    newPlace: async () => NATS_URL,
    openAt: (url) => JetStreamEventBus.connect(url, 'event-bus-contract-test'),
    cleanUp: async () => undefined,
  };
}

function inProcess(): Implementation {
  const dirs: string[] = [];
  const newPlace = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'event-bus-contract-'));
    dirs.push(dir);
    return dir;
  };
  return {
    name: InProcessEventBus.name,
    kind: 'in-process',
    open: async () => InProcessEventBus.open({ dir: await newPlace() }),
    newPlace,
    openAt: (dir) => InProcessEventBus.open({ dir }),
    cleanUp: async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

interface Numbered {
  n: number;
}

/** Subjects and durable names of one test, unique so tests on a shared NATS server stay apart. */
function freshTenant(): { subject: (suffix: string) => string; durable: string } {
  const tenant = `t${randomBytes(6).toString('hex')}`;
  return { subject: (suffix) => `fleet.contract.${tenant}.${suffix}`, durable: `contract-${tenant}` };
}

describe.each([jetStream(), inProcess()])('EventBus contract: $name', (implementation) => {
  let bus: EventBus;
  beforeAll(async () => {
    bus = await implementation.open();
  });
  afterAll(async () => {
    await bus.close();
    await implementation.cleanUp();
  });

  async function publishNumbers(subject: string, numbers: number[]): Promise<void> {
    for (const n of numbers) await bus.publish(subject, { n }, randomUUID());
  }

  it('delivers by subject filter: * matches one token, > the rest', async () => {
    const { subject } = freshTenant();
    const oneToken: string[] = [];
    const rest: ReceivedEvent<Numbered>[] = [];
    const star = await bus.subscribe<Numbered>({ subject: subject('*') }, async (event) => {
      oneToken.push(event.subject);
    });
    const tail = await bus.subscribe<Numbered>({ subject: subject('>') }, async (event) => {
      rest.push(event);
    });
    const msgId = randomUUID();
    await bus.publish(subject('a.b'), { n: 1 }, msgId);
    await publishNumbers(subject('a'), [2]);
    await publishNumbers(subject('z'), [3]);
    await waitFor('both filters to see the last event', () => oneToken.length >= 2 && rest.length >= 3);

    expect(oneToken).toEqual([subject('a'), subject('z')]);
    expect(rest.map((event) => event.subject)).toEqual([subject('a.b'), subject('a'), subject('z')]);
    expect(rest[0]).toEqual({
      subject: subject('a.b'),
      payload: { n: 1 },
      msgId,
      redelivered: false,
      headers: {},
    });
    await Promise.all([star.close(), tail.close()]);
  });

  it("hands the publisher's headers (the trace context) to subscribers", async () => {
    const { subject } = freshTenant();
    const seen: ReceivedEvent<Numbered>[] = [];
    const subscription = await bus.subscribe<Numbered>({ subject: subject('>') }, async (event) => {
      seen.push(event);
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await bus.publish(subject('traced'), { n: 1 }, randomUUID(), { traceparent, tracestate: 'fleet=1' });
    await waitFor('the event', () => seen.length >= 1);
    expect(seen[0].headers).toEqual({ traceparent, tracestate: 'fleet=1' });
    await subscription.close();
  });

  it('rejects a publish outside the fleet stream', async () => {
    await expect(bus.publish(`elsewhere.${randomUUID()}`, {}, randomUUID())).rejects.toThrow();
  });

  it('shows a subscriber without a durable only events published after it subscribed', async () => {
    const { subject } = freshTenant();
    await publishNumbers(subject('x'), [1]);
    const seen: number[] = [];
    const subscription = await bus.subscribe<Numbered>({ subject: subject('x') }, async (event) => {
      seen.push(event.payload.n);
    });
    await publishNumbers(subject('x'), [2]);
    // Delivery is in order, so had 1 come it would be here before 2.
    await waitFor('the later event', () => seen.includes(2));
    expect(seen).toEqual([2]);
    await subscription.close();
  });

  it('delivers a message id once, however often it is published', async () => {
    const { subject, durable } = freshTenant();
    const seen: ReceivedEvent<Numbered>[] = [];
    const subscription = await bus.subscribe<Numbered>({ subject: subject('x'), durable }, async (event) => {
      seen.push(event);
    });
    const msgId = randomUUID();
    await bus.publish(subject('x'), { n: 1 }, msgId);
    await bus.publish(subject('x'), { n: 1 }, msgId);
    await publishNumbers(subject('x'), [2]);
    await waitFor('the event after the repeat', () => seen.some((event) => event.payload.n === 2));
    expect(seen.map((event) => [event.payload.n, event.msgId])).toEqual([
      [1, msgId],
      [2, seen[1].msgId],
    ]);
    await subscription.close();
  });

  it('keeps events for a durable while it is away and delivers them in order when it is back', async () => {
    const { subject, durable } = freshTenant();
    const seen: number[] = [];
    const record = async (event: ReceivedEvent<Numbered>) => {
      seen.push(event.payload.n);
    };
    const first = await bus.subscribe<Numbered>({ subject: subject('x'), durable }, record);
    await publishNumbers(subject('x'), [1]);
    await waitFor('the first event', () => seen.length === 1);
    await first.close();

    await publishNumbers(subject('x'), [2, 3, 4, 5]);
    const second = await bus.subscribe<Numbered>({ subject: subject('x'), durable }, record);
    await waitFor('the events published while away', () => seen.length === 5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await second.close();
  });

  it('redelivers a failed event once, marked redelivered, without holding up later ones', async () => {
    const { subject, durable } = freshTenant();
    const attempts: [number, boolean][] = [];
    const subscription = await bus.subscribe<Numbered>({ subject: subject('x'), durable }, async (event) => {
      attempts.push([event.payload.n, event.redelivered]);
      if (event.payload.n === 1 && !event.redelivered) throw new Error('transient failure');
    });
    await publishNumbers(subject('x'), [1, 2, 3]);
    await waitFor('the redelivery', () => attempts.length >= 4, 4000);
    await sleep(200);
    expect(attempts).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [1, true],
    ]);
    await subscription.close();
  });

  it('shares a durable between its subscriptions: each event handled once, by one of them', async () => {
    const { subject, durable } = freshTenant();
    const handledBy: [number, string][] = [];
    const subscribe = (name: string) =>
      bus.subscribe<Numbered>({ subject: subject('x'), durable }, async (event) => {
        handledBy.push([event.payload.n, name]);
        await sleep(5);
      });
    const subscriptions = [await subscribe('a'), await subscribe('b')];
    const numbers = Array.from({ length: 20 }, (_, index) => index + 1);
    await publishNumbers(subject('x'), numbers);
    await waitFor('every event', () => handledBy.length >= numbers.length);

    expect(handledBy.map(([n]) => n).sort((x, y) => x - y)).toEqual(numbers);
    expect(handledBy.filter(([, name]) => name === 'a').length).toBeGreaterThan(0);
    expect(handledBy.filter(([, name]) => name === 'b').length).toBeGreaterThan(0);
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
  });

  it.each([
    ['with a durable', true],
    ['without a durable', false],
  ])('hands one subscription one event at a time (%s)', async (_, isDurable) => {
    const { subject, durable } = freshTenant();
    let running = 0;
    let mostAtOnce = 0;
    const seen: number[] = [];
    const options = { subject: subject('x'), durable: isDurable ? durable : undefined };
    const subscription = await bus.subscribe<Numbered>(options, async (event) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(10);
      seen.push(event.payload.n);
      running--;
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => bus.publish(subject('x'), { n }, randomUUID())));
    await waitFor('every event', () => seen.length === 5);
    expect(mostAtOnce).toBe(1);
    await subscription.close();
  });

  it.each([
    ['with a durable', true],
    ['without a durable', false],
  ])('stops delivering to a closed subscription (%s)', async (_, isDurable) => {
    const { subject, durable } = freshTenant();
    const seen: number[] = [];
    const options = { subject: subject('x'), durable: isDurable ? durable : undefined };
    const subscription = await bus.subscribe<Numbered>(options, async (event) => {
      seen.push(event.payload.n);
    });
    await publishNumbers(subject('x'), [1]);
    await waitFor('the first event', () => seen.length === 1);
    await subscription.close();
    await publishNumbers(subject('x'), [2]);
    await sleep(300);
    expect(seen).toEqual([1]);
  });

  describe('a durable with several messages in flight', () => {
    const ackWaitMs = 1000;

    it('hands a subscription up to maxInFlight messages at once, no more', async () => {
      const { subject, durable } = freshTenant();
      let running = 0;
      let mostAtOnce = 0;
      const seen: number[] = [];
      const options = { subject: subject('x'), durable, maxInFlight: 4 };
      const subscription = await bus.subscribe<Numbered>(options, async (event) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await sleep(30);
        seen.push(event.payload.n);
        running--;
      });
      const numbers = Array.from({ length: 12 }, (_, index) => index + 1);
      await publishNumbers(subject('x'), numbers);
      await waitFor('every event', () => seen.length === numbers.length);
      expect(mostAtOnce).toBe(4);
      expect([...seen].sort((a, b) => a - b)).toEqual(numbers);
      await subscription.close();
    });

    it('acknowledges every message once: none comes back after a restart', async () => {
      const place = await implementation.newPlace();
      const { subject, durable } = freshTenant();
      const options = { subject: subject('x'), durable, maxInFlight: 8, ackWaitMs };
      const seen: ReceivedEvent<Numbered>[] = [];
      const record = async (event: ReceivedEvent<Numbered>) => {
        await sleep(Math.random() * 15);
        seen.push(event);
      };
      const first = await implementation.openAt(place);
      const subscription = await first.subscribe<Numbered>(options, record);
      const numbers = Array.from({ length: 40 }, (_, index) => index + 1);
      for (const n of numbers) await first.publish(subject('x'), { n }, randomUUID());
      await waitFor('every event', () => seen.length === numbers.length);
      // Past the ack wait: an unacknowledged message would be handed out again by now.
      await sleep(ackWaitMs + 500);
      await subscription.close();
      await first.close();

      const second = await implementation.openAt(place);
      const again = await second.subscribe<Numbered>(options, record);
      await sleep(500);
      await again.close();
      await second.close();
      expect(seen.map((event) => event.payload.n).sort((a, b) => a - b)).toEqual(numbers);
      expect(seen.filter((event) => event.redelivered)).toEqual([]);
    }, 15_000);

    it('redelivers only the message whose handler failed', async () => {
      const { subject, durable } = freshTenant();
      const attempts: [number, boolean][] = [];
      const options = { subject: subject('x'), durable, maxInFlight: 4 };
      const subscription = await bus.subscribe<Numbered>(options, async (event) => {
        await sleep(5);
        attempts.push([event.payload.n, event.redelivered]);
        if (event.payload.n === 3 && !event.redelivered) throw new Error('transient failure');
      });
      const numbers = Array.from({ length: 10 }, (_, index) => index + 1);
      await publishNumbers(subject('x'), numbers);
      await waitFor('the redelivery', () => attempts.length >= numbers.length + 1, 4000);
      await sleep(300);
      expect(attempts.filter(([, redelivered]) => redelivered)).toEqual([[3, true]]);
      expect(attempts.map(([n]) => n).sort((a, b) => a - b)).toEqual([...numbers, 3].sort((a, b) => a - b));
      await subscription.close();
    });

    it('after a crash mid-batch redelivers the unacknowledged messages, and only those', async () => {
      const place = await implementation.newPlace();
      const { subject, durable } = freshTenant();
      const publisher = await implementation.openAt(place);
      const numbers = [1, 2, 3, 4, 5, 6, 7, 8];
      for (const n of numbers) await publisher.publish(subject('x'), { n }, randomUUID());
      // The in-process journal is locked by its one open bus: the child takes it over.
      if (implementation.kind === 'in-process') await publisher.close();

      const args = [implementation.kind, place, subject('x'), durable, '8', String(ackWaitMs), '4'];
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'crashing-subscriber-process.ts'), ...args],
        {
          cwd: join(__dirname, '../../..'),
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const lines = createInterface({ input: child.stdout });
      const ready = new Promise<void>((resolve) => lines.on('line', (line) => line === 'ready' && resolve()));
      await Promise.race([ready, exited.then(() => Promise.reject(new Error('the child exited early')))]);
      child.kill('SIGKILL');
      await exited;

      const restarted = implementation.kind === 'in-process' ? await implementation.openAt(place) : publisher;
      const seen: ReceivedEvent<Numbered>[] = [];
      const options = { subject: subject('x'), durable, maxInFlight: 8, ackWaitMs };
      const subscription = await restarted.subscribe<Numbered>(options, async (event) => {
        seen.push(event);
      });
      await waitFor('the unacknowledged events', () => seen.length >= 4, ackWaitMs + 4000);
      await sleep(500);
      await subscription.close();
      await restarted.close();
      expect(seen.map((event) => event.payload.n).sort((a, b) => a - b)).toEqual([1, 3, 5, 7]);
      expect(seen.every((event) => event.redelivered)).toBe(true);
    }, 30_000);
  });

  it('answers ping while open and rejects it once closed', async () => {
    const own = await implementation.open();
    await expect(own.ping()).resolves.toBeUndefined();
    await own.close();
    await expect(own.ping()).rejects.toThrow();
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FLEET_STREAM_MAX_AGE_MS, InProcessEventBus, ReceivedEvent } from '../src';
import { sleep, waitFor } from './polling';

interface Numbered {
  n: number;
}

const subject = 'fleet.config.updated.t1';
const LOCKED = /in use by .*run every app in one process .*set NATS_URL/;

describe(InProcessEventBus.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'in-process-event-bus-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Subscribes as `durable` and collects what arrives. */
  async function collect(
    bus: InProcessEventBus,
    durable: string,
    fail = (_: ReceivedEvent<Numbered>) => false,
  ) {
    const seen: ReceivedEvent<Numbered>[] = [];
    const subscription = await bus.subscribe<Numbered>({ subject, durable }, async (event) => {
      seen.push(event);
      if (fail(event)) throw new Error('handler failed');
    });
    return { seen, subscription };
  }

  const numbersOf = (events: ReceivedEvent<Numbered>[]) => events.map((event) => event.payload.n);

  it('keeps unacknowledged events across a restart and redelivers them', async () => {
    const before = await InProcessEventBus.open({ dir });
    const first = await collect(before, 'worker', (event) => event.payload.n === 1);
    await before.publish(subject, { n: 1 }, 'm1', { traceparent: 'kept-in-the-journal' });
    await before.publish(subject, { n: 2 }, 'm2');
    await waitFor('both events', () => first.seen.length >= 2);
    await first.subscription.close();
    await before.publish(subject, { n: 3 }, 'm3');
    await before.close();

    const after = await InProcessEventBus.open({ dir });
    const second = await collect(after, 'worker');
    await waitFor('the events not acknowledged', () => second.seen.length >= 2);
    await sleep(100);
    expect(second.seen.map((event) => [event.payload.n, event.redelivered])).toEqual([
      [1, true],
      [3, false],
    ]);
    expect(second.seen.map((event) => event.headers)).toEqual([{ traceparent: 'kept-in-the-journal' }, {}]);
    await after.close();
  });

  it('without a directory keeps events for a durable in memory', async () => {
    const bus = await InProcessEventBus.open();
    const first = await collect(bus, 'worker');
    await first.subscription.close();
    await bus.publish(subject, { n: 1 }, 'm1');
    const second = await collect(bus, 'worker');
    await waitFor('the event published while away', () => second.seen.length === 1);
    expect(numbersOf(second.seen)).toEqual([1]);
    await bus.close();
  });

  it('redelivers an event whose handler was running when the process was killed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'abandoned-bus-process.ts'), dir, subject, 'worker'],
      { cwd: join(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const lines = createInterface({ input: child.stdout });
    const handling = new Promise<void>((resolve) =>
      lines.on('line', (line) => line === 'handling' && resolve()),
    );
    await Promise.race([handling, exited.then(() => Promise.reject(new Error('the child exited early')))]);
    child.kill('SIGKILL');
    await exited;

    const bus = await InProcessEventBus.open({ dir });
    const { seen } = await collect(bus, 'worker');
    await waitFor('the abandoned event', () => seen.length === 1);
    expect(seen[0]).toMatchObject({ payload: { n: 1 }, msgId: 'abandoned-1', redelivered: true });
    await bus.close();
  }, 20_000);

  it('drops a repeated message id published after a restart', async () => {
    const before = await InProcessEventBus.open({ dir });
    await before.publish(subject, { n: 1 }, 'once');
    await before.close();

    const after = await InProcessEventBus.open({ dir });
    await after.publish(subject, { n: 1 }, 'once');
    await after.publish(subject, { n: 2 }, 'twice');
    const { seen } = await collect(after, 'new-worker');
    await waitFor('the last event', () => numbersOf(seen).includes(2));
    expect(numbersOf(seen)).toEqual([1, 2]);
    await after.close();
  });

  it('refuses a directory another bus has open, saying how to run instead', async () => {
    const first = await InProcessEventBus.open({ dir });
    await expect(InProcessEventBus.open({ dir })).rejects.toThrow(LOCKED);
    await first.close();
    const again = await InProcessEventBus.open({ dir });
    await again.close();
  });

  it('takes over the lock of a process that is gone', async () => {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    await writeFile(join(dir, 'fleet.lock'), String(pid));
    const bus = await InProcessEventBus.open({ dir });
    await bus.publish(subject, { n: 1 }, randomUUID());
    await bus.close();
  });

  it('compacts the journal on open without losing what consumers acknowledged', async () => {
    const journal = join(dir, 'journal.jsonl');
    const before = await InProcessEventBus.open({ dir });
    const first = await collect(before, 'worker');
    for (let n = 1; n <= 50; n++) await before.publish(subject, { n }, `m${n}`);
    await waitFor('every event', () => first.seen.length === 50);
    await before.close();
    const grown = (await stat(journal)).size;

    const after = await InProcessEventBus.open({ dir });
    expect((await stat(journal)).size).toBeLessThan(grown);
    const kinds = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).type);
    expect(kinds.filter((kind) => kind === 'message')).toHaveLength(50);
    expect(kinds.filter((kind) => kind !== 'message')).toEqual(['stream', 'consumer']);
    const second = await collect(after, 'worker');
    await after.publish(subject, { n: 51 }, 'm51');
    await waitFor('the new event', () => second.seen.length >= 1);
    expect(numbersOf(second.seen)).toEqual([51]);
    await after.close();
  });

  it('forgets events past retention, at compaction and at delivery', async () => {
    const now = Date.now();
    const message = (seq: number, time: number) => ({
      type: 'message',
      seq,
      subject,
      msgId: `m${seq}`,
      payload: { n: seq },
      time,
    });
    const lines = [
      message(1, now - FLEET_STREAM_MAX_AGE_MS - 1000),
      message(2, now - FLEET_STREAM_MAX_AGE_MS + 300),
      message(3, now),
    ];
    await writeFile(join(dir, 'journal.jsonl'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

    const bus = await InProcessEventBus.open({ dir });
    const kept = await readFile(join(dir, 'journal.jsonl'), 'utf8');
    expect(kept).not.toContain('"m1"');
    expect(kept).toContain('"m2"');
    await sleep(400);
    const { seen } = await collect(bus, 'worker');
    await waitFor('the fresh event', () => seen.length >= 1);
    expect(numbersOf(seen)).toEqual([3]);
    await bus.publish(subject, { n: 4 }, 'm4');
    await waitFor('a new event', () => seen.length >= 2);
    expect(numbersOf(seen)).toEqual([3, 4]);
    await bus.close();
  });

  it('shares one bus among the handles for a directory, until the last one closes', async () => {
    const api = await InProcessEventBus.shared(dir);
    const worker = await InProcessEventBus.shared(dir);
    const { seen } = await collect(worker, 'worker');
    const seenByApi: number[] = [];
    await api.subscribe<Numbered>({ subject }, async (event) => {
      seenByApi.push(event.payload.n);
    });
    await api.publish(subject, { n: 1 }, randomUUID());
    await waitFor('the other handle to see the event', () => seen.length === 1 && seenByApi.length === 1);

    await api.close();
    await expect(api.ping()).rejects.toThrow();
    await expect(InProcessEventBus.open({ dir })).rejects.toThrow(LOCKED);
    await worker.publish(subject, { n: 2 }, randomUUID());
    await waitFor('the open handle to go on', () => seen.length === 2);
    expect(seenByApi).toEqual([1]);

    await worker.close();
    const reopened = await InProcessEventBus.open({ dir });
    await reopened.close();
  });
});

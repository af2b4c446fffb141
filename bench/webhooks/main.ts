// `npm run bench:webhooks`: deliveries per second from JetStream through webhook-service (built,
// its own process, on PostgreSQL) to a receiver on loopback, and p50/p99 from event to delivery;
// in the same run, a bare fetch (undici) POST loop to the same receiver at the same concurrency.
// See README.md, "Webhooks".
import { Database, TenantRepository, WebhookSubscriptionRepository } from '@envoy-fleet/data-access';
import { SecretBox } from '@envoy-fleet/domain';
import { FLEET_STREAM, JetStreamEventBus, Subjects } from '@envoy-fleet/messaging';
import { createTestDatabase, freePort } from '@envoy-fleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { BenchReceiver } from './bench-receiver';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const EVENTS = Number(env('WEBHOOK_BENCH_EVENTS', '5000'));
const CONCURRENCY = Number(env('WEBHOOK_BENCH_CONCURRENCY', '32'));
const NATS_URL = env('TEST_NATS_URL', 'nats://127.0.0.1:4222');
const PUBLISH_WINDOW = 64;

async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The bare loop: CONCURRENCY workers POSTing a same-sized body until `count` are answered. */
async function bareLoop(url: string, count: number, body: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < count) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - started) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const receiver = await BenchReceiver.start();
  const consumer = `webhook-bench-${randomUUID().slice(0, 8)}`;
  const key = randomBytes(32).toString('base64');
  const db = Database.connect(database.appUrl);
  const tenant = await db.asSystem((tx) => new TenantRepository().create(tx, 'bench'));
  await db.forTenant(tenant.id, (tx) =>
    new WebhookSubscriptionRepository().create(tx, {
      tenantId: tenant.id,
      name: 'bench',
      kind: 'http',
      url: receiver.url,
      eventTypes: ['config.*'],
      secretSealed: new SecretBox(key).seal('bench-signing-secret'),
      active: true,
    }),
  );
  const HTTP_PORT = Number(env('WEBHOOK_BENCH_HTTP_PORT', '')) || (await freePort());
  const main = resolve(__dirname, '../../dist/apps/webhook-service/src/main.js');
  // e.g. WEBHOOK_BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the service.
  const nodeArgs = env('WEBHOOK_BENCH_SERVICE_NODE_ARGS', '').split(' ').filter(Boolean);
  const service = spawn(process.execPath, [...nodeArgs, main], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      HTTP_PORT: String(HTTP_PORT),
      DATABASE_URL: database.appUrl,
      NATS_URL,
      SECRETS_ENCRYPTION_KEY: key,
      WEBHOOK_ALLOWED_TARGETS: 'loopback',
      WEBHOOK_CONSUMER_NAME: consumer,
      WEBHOOK_CONCURRENCY_PER_TARGET: String(CONCURRENCY),
      LOG_LEVEL: 'warn',
    },
  });
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  const bus = await JetStreamEventBus.connect(NATS_URL, 'webhook-bench');
  try {
    await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${HTTP_PORT}/readyz`).catch(() => null))?.ok ?? false,
      30_000,
      'webhook-service',
    );
    // A new durable consumer starts at the stream's beginning: let it pass the history first.
    await waitUntil(
      async () => (await jsm.consumers.info(FLEET_STREAM, consumer)).num_pending === 0,
      300_000,
      'history',
    );

    const published = new Map<number, number>();
    /** Publishes versions `from`..`to`: a burst (PUBLISH_WINDOW in flight), or paced at `perSecond`. */
    const publish = async (from: number, to: number, perSecond?: number): Promise<number> => {
      const started = performance.now();
      const publishing = new Set<Promise<void>>();
      for (let version = from; version <= to; version++) {
        if (perSecond) {
          const due = started + ((version - from) * 1000) / perSecond;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((done) => setTimeout(done, wait));
        }
        published.set(version, Date.now());
        const payload = {
          tenantId: tenant.id,
          version,
          actor: 'bench',
          changes: [],
          occurredAt: new Date().toISOString(),
        };
        const one = bus
          .publish(Subjects.configUpdated(tenant.id), payload, randomUUID())
          .finally(() => publishing.delete(one));
        publishing.add(one);
        // One publish at a time would cap the rate at the publisher's round trips.
        if (publishing.size >= PUBLISH_WINDOW) await Promise.race(publishing);
      }
      await Promise.all(publishing);
      return (performance.now() - started) / 1000;
    };
    const latenciesOf = (from: number, to: number) =>
      [...receiver.versions]
        .filter(([v]) => v >= from && v <= to)
        .map(([v, at]) => at - (published.get(v) ?? at))
        .sort((a, b) => a - b);

    // Burst: every event at once; deliveries per second is the service's maximum, and the
    // latency is mostly time spent queued behind the events published before.
    const started = performance.now();
    const publishSeconds = await publish(1, EVENTS);
    await waitUntil(() => receiver.versions.size >= EVENTS, 600_000, 'every delivery');
    const seconds = (performance.now() - started) / 1000;
    const fleetRate = EVENTS / seconds;
    const latencies = latenciesOf(1, EVENTS);

    // Paced: events at half the measured maximum (or WEBHOOK_BENCH_PACED_RATE) for
    // WEBHOOK_BENCH_PACED_SECONDS: the event-to-delivery latency of a service keeping up.
    const pacedRate = Number(env('WEBHOOK_BENCH_PACED_RATE', '')) || Math.max(1, Math.round(fleetRate / 2));
    const pacedCount = Math.round(pacedRate * Number(env('WEBHOOK_BENCH_PACED_SECONDS', '10')));
    await publish(EVENTS + 1, EVENTS + pacedCount, pacedRate);
    await waitUntil(() => receiver.versions.size >= EVENTS + pacedCount, 600_000, 'every paced delivery');
    const paced = latenciesOf(EVENTS + 1, EVENTS + pacedCount);

    const duplicates = receiver.requests - receiver.versions.size;
    const body = receiver.lastBody;
    const bareRate = await bareLoop(receiver.url, EVENTS, body);
    const figures = {
      events: EVENTS,
      concurrency: CONCURRENCY,
      publishedPerSecond: Math.round(EVENTS / publishSeconds),
      deliveriesPerSecond: Math.round(fleetRate),
      bareLoopPerSecond: Math.round(bareRate),
      ratio: Number((fleetRate / bareRate).toFixed(2)),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      pacedPerSecond: pacedRate,
      pacedEvents: pacedCount,
      pacedP50Ms: percentile(paced, 50),
      pacedP99Ms: percentile(paced, 99),
      duplicates,
      loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    service.kill('SIGTERM');
    await new Promise((done) => service.once('exit', done));
    await jsm.consumers.delete(FLEET_STREAM, consumer).catch(() => undefined);
    await nc.close();
    await bus.close();
    await receiver.close();
    await db.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

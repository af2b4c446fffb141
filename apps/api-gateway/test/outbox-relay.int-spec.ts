import { Database, DatabaseOutboxStore, OutboxRepository, TenantRepository } from '@envoy-fleet/data-access';
import { JetStreamEventBus, OutboxRelay, OutboxStore, Subjects } from '@envoy-fleet/messaging';
import { createTestDatabase, pollUntil, TestDatabase } from '@envoy-fleet/testing';
import { Client } from 'pg';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** The real outbox store, made to fail once after publishing: the crash the relay must survive. */
function crashingOnceAfterPublish(store: OutboxStore): OutboxStore & { crashed: boolean } {
  const wrapped = {
    crashed: false,
    unpublished: (limit: number) => store.unpublished(limit),
    markPublished: async (ids: Parameters<OutboxStore['markPublished']>[0]) => {
      if (!wrapped.crashed) {
        wrapped.crashed = true;
        throw new Error('process died between publish and mark');
      }
      await store.markPublished(ids);
    },
  };
  return wrapped;
}

describe(OutboxRelay.name, () => {
  let database: TestDatabase;
  let db: Database;
  let bus: JetStreamEventBus;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = Database.connect(database.appUrl);
    bus = await JetStreamEventBus.connect(NATS_URL, 'outbox-relay-test');
  });

  afterAll(async () => {
    await bus.close();
    await db.close();
    await database.drop();
  });

  it('publishes committed events once each, in order, across a crash between publish and mark', async () => {
    const outbox = new OutboxRepository();
    const tenant = await db.asSystem((tx) => new TenantRepository().create(tx, 'relay-tenant'));
    const subject = Subjects.configUpdated(tenant.id);
    for (const n of [1, 2, 3]) {
      await db.forTenant(tenant.id, (tx) => outbox.add(tx, tenant.id, subject, { n }));
    }
    // A rolled-back write leaves no event behind.
    await expect(
      db.forTenant(tenant.id, async (tx) => {
        await outbox.add(tx, tenant.id, subject, { n: 99 });
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');

    const received: number[] = [];
    const subscription = await bus.subscribe<{ n: number }>({ subject }, async (event) => {
      received.push(event.payload.n);
    });
    const store = crashingOnceAfterPublish(new DatabaseOutboxStore(db, outbox));
    const relay = new OutboxRelay(store, bus, { batchSize: 10, pollIntervalMs: 50 });
    await relay.drain(); // publishes, then "crashes" before marking
    expect(store.crashed).toBe(true);
    await relay.drain(); // the restarted relay publishes the same rows again, with the same ids

    await pollUntil(
      async () => received.length,
      (count) => count >= 3,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([1, 2, 3]);
    await subscription.close();

    const admin = new Client({ connectionString: database.adminUrl });
    await admin.connect();
    const { rows } = await admin.query(
      'SELECT count(*)::int AS unpublished FROM outbox_events WHERE published_at IS NULL',
    );
    await admin.end();
    expect(rows[0].unpublished).toBe(0);
  });
});

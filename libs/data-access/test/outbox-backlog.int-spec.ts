import { Database, DatabaseOutboxStore, OutboxRepository, TenantRepository } from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';

describe(`${OutboxRepository.name} backlog`, () => {
  let db: TestDatabase;
  let database: Database;
  let tenantId: string;
  const outbox = new OutboxRepository();

  beforeAll(async () => {
    db = await createTestDatabase();
    database = Database.connect(db.appUrl);
    tenantId = (await database.asSystem((tx) => new TenantRepository().create(tx, 't'))).id;
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  it('counts unpublished events and the age of the oldest, for /metrics', async () => {
    const store = new DatabaseOutboxStore(database, outbox);
    expect(await store.backlog()).toEqual({ count: 0, oldestAgeSeconds: 0 });
    await database.forTenant(tenantId, async (tx) => {
      await outbox.add(tx, tenantId, `fleet.config.updated.${tenantId}`, { version: 1 });
      await outbox.add(tx, tenantId, `fleet.config.updated.${tenantId}`, { version: 2 });
    });
    await database.asSystem(
      (tx) => tx.$executeRaw`UPDATE outbox_events SET created_at = now() - interval '90 seconds'`,
    );
    const waiting = await store.backlog();
    expect(waiting.count).toBe(2);
    expect(waiting.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(waiting.oldestAgeSeconds).toBeLessThan(120);

    await store.markPublished((await store.unpublished(10)).map((e) => e.id));
    expect(await store.backlog()).toEqual({ count: 0, oldestAgeSeconds: 0 });
  });
});

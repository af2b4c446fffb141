import { Database, OutboxRepository, TenantRepository } from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';

describe(OutboxRepository.name, () => {
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

  it('publishes committed events only, oldest first, once', async () => {
    await database.forTenant(tenantId, async (tx) => {
      await outbox.add(tx, tenantId, `fleet.config.updated.${tenantId}`, { version: 1 });
      await outbox.add(tx, tenantId, `fleet.config.updated.${tenantId}`, { version: 2 });
    });
    await expect(
      database.forTenant(tenantId, async (tx) => {
        await outbox.add(tx, tenantId, `fleet.config.updated.${tenantId}`, { version: 3 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const claimed = await database.autocommitAsSystem(async (query) => {
      const events = await outbox.unpublished(query, 10);
      await outbox.markPublished(
        query,
        events.map((e) => e.id),
      );
      return events;
    });
    expect(claimed.map((e) => e.payload)).toEqual([{ version: 1 }, { version: 2 }]);
    const [first, second] = claimed;
    expect(first && second && first.id < second.id).toBe(true);
    expect(first?.msgId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await database.autocommitAsSystem((query) => outbox.unpublished(query, 10))).toEqual([]);
  });

  it("keeps each event's headers: given, or the trace context of the write ({} outside a trace)", async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await database.forTenant(tenantId, async (tx) => {
      await outbox.add(tx, tenantId, 'fleet.config.updated.h', { n: 1 }, undefined, { traceparent });
      await outbox.add(tx, tenantId, 'fleet.config.updated.h', { n: 2 });
    });
    const claimed = await database.autocommitAsSystem(async (query) => {
      const events = await outbox.unpublished(query, 10);
      await outbox.markPublished(
        query,
        events.map((e) => e.id),
      );
      return events;
    });
    expect(claimed.map((e) => e.headers)).toEqual([{ traceparent }, {}]);
  });

  it("reads every tenant's unpublished events, as the relay that publishes them all", async () => {
    const other = (await database.asSystem((tx) => new TenantRepository().create(tx, 'another'))).id;
    await database.forTenant(tenantId, (tx) => outbox.add(tx, tenantId, 'fleet.proxy.status.a', { n: 1 }));
    await database.forTenant(other, (tx) => outbox.add(tx, other, 'fleet.proxy.status.b', { n: 2 }));
    const events = await database.autocommitAsSystem((query) => outbox.unpublished(query, 10));
    expect(events.map((e) => e.tenantId)).toEqual([tenantId, other]);
    await database.autocommitAsSystem((query) =>
      outbox.markPublished(
        query,
        events.map((e) => e.id),
      ),
    );
    expect(await database.autocommitAsSystem((query) => outbox.unpublished(query, 10))).toEqual([]);
  });

  it('hides outbox rows from tenant transactions of other tenants', async () => {
    const other = (await database.asSystem((tx) => new TenantRepository().create(tx, 'other'))).id;
    expect(await database.forTenant(other, (tx) => tx.outboxEvent.count())).toBe(0);
  });
});

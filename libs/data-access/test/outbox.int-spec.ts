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

    const claimed = await database.asSystem(async (tx) => {
      const events = await outbox.claimUnpublished(tx, 10);
      await outbox.markPublished(
        tx,
        events.map((e) => e.id),
      );
      return events;
    });
    expect(claimed.map((e) => e.payload)).toEqual([{ version: 1 }, { version: 2 }]);
    const [first, second] = claimed;
    expect(first && second && first.id < second.id).toBe(true);
    expect(first?.msgId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await database.asSystem((tx) => outbox.claimUnpublished(tx, 10))).toEqual([]);
  });

  it("keeps each event's headers: given, or the trace context of the write ({} outside a trace)", async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await database.forTenant(tenantId, async (tx) => {
      await outbox.add(tx, tenantId, 'fleet.config.updated.h', { n: 1 }, undefined, { traceparent });
      await outbox.add(tx, tenantId, 'fleet.config.updated.h', { n: 2 });
    });
    const claimed = await database.asSystem(async (tx) => {
      const events = await outbox.claimUnpublished(tx, 10);
      await outbox.markPublished(
        tx,
        events.map((e) => e.id),
      );
      return events;
    });
    expect(claimed.map((e) => e.headers)).toEqual([{ traceparent }, {}]);
  });

  it('lets a second relay skip events another relay holds', async () => {
    await database.forTenant(tenantId, (tx) => outbox.add(tx, tenantId, 'fleet.proxy.status.x', { n: 1 }));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstClaimed: () => void;
    const claimedOnce = new Promise<void>((resolve) => (firstClaimed = resolve));
    const first = database.asSystem(async (tx) => {
      const events = await outbox.claimUnpublished(tx, 10);
      firstClaimed();
      await held;
      await outbox.markPublished(
        tx,
        events.map((e) => e.id),
      );
      return events.length;
    });
    await claimedOnce;
    const second = await database.asSystem((tx) => outbox.claimUnpublished(tx, 10));
    release();
    expect(await first).toBe(1);
    expect(second).toEqual([]);
  });

  it('hides outbox rows from tenant transactions of other tenants', async () => {
    const other = (await database.asSystem((tx) => new TenantRepository().create(tx, 'other'))).id;
    expect(await database.forTenant(other, (tx) => tx.outboxEvent.count())).toBe(0);
  });
});

import { deliveryIdOf } from '@envoy-fleet/domain';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { Client } from 'pg';
import { Database, TenantRepository, WebhookDeliveryRepository, WebhookSubscriptionRepository } from '../src';

describe(WebhookDeliveryRepository.name, () => {
  let db: TestDatabase;
  let database: Database;
  let tenantA: string;
  let tenantB: string;
  let subscriptionId: string;
  const subscriptions = new WebhookSubscriptionRepository();
  const deliveries = new WebhookDeliveryRepository();

  const delivery = (msgId: string) => ({
    id: deliveryIdOf(msgId, subscriptionId),
    tenantId: tenantA,
    subscriptionId,
    eventType: 'config.updated',
    eventMsgId: msgId,
    payload: { version: 1 },
    eventAt: new Date(),
    leasedUntil: new Date(Date.now() - 1),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    database = Database.connect(db.appUrl);
    const tenants = new TenantRepository();
    tenantA = (await database.asSystem((tx) => tenants.create(tx, 'a'))).id;
    tenantB = (await database.asSystem((tx) => tenants.create(tx, 'b'))).id;
    const created = await database.forTenant(tenantA, (tx) =>
      subscriptions.create(tx, {
        tenantId: tenantA,
        name: 'ops',
        kind: 'http',
        url: 'https://hooks.example.com/',
        eventTypes: ['config.*'],
        secretSealed: 'v1.x.y.z',
        active: true,
      }),
    );
    subscriptionId = created.id;
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  it('guards both webhook tables with forced row-level security', async () => {
    const client = new Client({ connectionString: db.adminUrl });
    await client.connect();
    const { rows } = await client.query<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
       WHERE relname IN ('webhook_subscriptions', 'webhook_deliveries') ORDER BY relname`,
    );
    await client.end();
    expect(rows).toEqual([
      { relname: 'webhook_deliveries', relrowsecurity: true, relforcerowsecurity: true },
      { relname: 'webhook_subscriptions', relrowsecurity: true, relforcerowsecurity: true },
    ]);
    expect(await database.forTenant(tenantB, (tx) => subscriptions.list(tx, tenantA))).toEqual([]);
  });

  it('inserts an event once per subscription: the same event again inserts nothing', async () => {
    const first = await database.forTenant(tenantA, (tx) => deliveries.createMissing(tx, [delivery('m-1')]));
    const again = await database.forTenant(tenantA, (tx) => deliveries.createMissing(tx, [delivery('m-1')]));
    expect(first).toEqual([deliveryIdOf('m-1', subscriptionId)]);
    expect(again).toEqual([]);
    expect(await database.forTenant(tenantB, (tx) => deliveries.list(tx, tenantA))).toEqual([]);
  });

  it('leases a due delivery to one claimer, records attempts, and queues it again on redeliver', async () => {
    await database.forTenant(tenantA, (tx) => deliveries.createMissing(tx, [delivery('m-2')]));
    const id = deliveryIdOf('m-2', subscriptionId);
    const claimed = await database.asSystem((tx) => deliveries.claimDue(tx, 10, 60_000));
    expect(claimed.map((d) => d.id)).toContain(id);
    expect(await database.asSystem((tx) => deliveries.claimDue(tx, 10, 60_000))).toEqual([]);
    const attempt = { at: new Date().toISOString(), statusCode: 500, latencyMs: 12, response: 'oops' };
    await database.asSystem((tx) =>
      deliveries.recordAttempt(tx, id, {
        status: 'pending',
        attempt,
        nextAttemptAt: new Date(Date.now() + 60_000),
      }),
    );
    const ok = { at: new Date().toISOString(), statusCode: 200, latencyMs: 3 };
    await database.asSystem((tx) =>
      deliveries.recordAttempt(tx, id, { status: 'delivered', attempt: ok, nextAttemptAt: null }),
    );
    const logged = await database.forTenant(tenantA, (tx) => deliveries.get(tx, tenantA, id));
    expect(logged).toMatchObject({ status: 'delivered', attempts: 2, attemptLog: [attempt, ok] });
    expect(logged.deliveredAt).toBeInstanceOf(Date);

    await database.forTenant(tenantA, (tx) => deliveries.redeliver(tx, tenantA, id));
    expect((await database.asSystem((tx) => deliveries.claimDue(tx, 10, 60_000))).map((d) => d.id)).toEqual([
      id,
    ]);
  });
});

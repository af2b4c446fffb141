import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import {
  ProxyRepository,
  ProxyStatusRepository,
  ClusterRepository,
  ConfigVersionRepository,
  Database,
  OutboxRepository,
  TenantRepository,
} from '../src';
import { sampleCluster } from './fixtures';

interface Backend {
  database: Database;
  stop(): Promise<void>;
}

// The embedded default (PGlite) must behave as the production server does, case for case.
const backends: [string, () => Promise<Backend>][] = [
  [
    'PostgreSQL',
    async () => {
      const db: TestDatabase = await createTestDatabase();
      const database = Database.connect(db.appUrl);
      return { database, stop: async () => (await database.close(), await db.drop()) };
    },
  ],
  [
    'PGlite',
    async () => {
      const database = await Database.embedded();
      return { database, stop: () => database.close() };
    },
  ],
];

describe.each(backends)('Database on %s', (_name, open) => {
  let backend: Backend;
  let database: Database;
  const tenants = new TenantRepository();
  const clusters = new ClusterRepository();
  const versions = new ConfigVersionRepository();
  const outbox = new OutboxRepository();
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    backend = await open();
    database = backend.database;
    tenantA = (await database.asSystem((tx) => tenants.create(tx, 'tenant-a'))).id;
    tenantB = (await database.asSystem((tx) => tenants.create(tx, 'tenant-b'))).id;
    await database.forTenant(tenantA, (tx) => clusters.create(tx, tenantA, sampleCluster('a-backend')));
    await database.forTenant(tenantB, (tx) => clusters.create(tx, tenantB, sampleCluster('b-backend')));
  }, 60_000);

  afterAll(() => backend?.stop());

  it('works as fleet_app, neither superuser nor BYPASSRLS, and as fleet_system for system work', async () => {
    const role = `SELECT current_user::text AS "user", rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`;
    const asTenant = await database.forTenant(tenantA, (tx) => tx.$queryRawUnsafe(role));
    expect(asTenant).toEqual([{ user: 'fleet_app', rolsuper: false, rolbypassrls: false }]);
    const asSystem = await database.asSystem((tx) => tx.$queryRawUnsafe(role));
    expect(asSystem).toEqual([{ user: 'fleet_system', rolsuper: false, rolbypassrls: true }]);
  });

  it('shows a tenant only its own rows', async () => {
    const seen = await database.forTenant(tenantA, async (tx) => ({
      clusters: (await tx.cluster.findMany()).map((c) => c.name),
      endpoints: await tx.endpoint.count(),
      tenants: (await tx.tenant.findMany()).map((t) => t.name),
    }));
    expect(seen).toEqual({ clusters: ['a-backend'], endpoints: 2, tenants: ['tenant-a'] });
    await expect(
      database.forTenant(tenantA, (tx) => clusters.get(tx, tenantB, 'b-backend')),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("refuses a tenant's insert of another tenant's rows", async () => {
    await expect(
      database.forTenant(tenantA, (tx) => clusters.create(tx, tenantB, sampleCluster('planted'))),
    ).rejects.toThrow(/row-level security/);
    const names = await database.asSystem(async (tx) => (await tx.cluster.findMany()).map((c) => c.name));
    expect(names).not.toContain('planted');
  });

  it('lets the system role see every tenant', async () => {
    const names = await database.asSystem(async (tx) =>
      (await tx.cluster.findMany({ orderBy: { name: 'asc' } })).map((c) => c.name),
    );
    expect(names).toEqual(expect.arrayContaining(['a-backend', 'b-backend']));
  });

  it('answers a duplicate name with ALREADY_EXISTS', async () => {
    await expect(
      database.forTenant(tenantA, (tx) => clusters.create(tx, tenantA, sampleCluster('a-backend'))),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('writes nothing of a transaction that fails half way', async () => {
    await expect(
      database.forTenant(tenantA, async (tx) => {
        await clusters.create(tx, tenantA, sampleCluster('half-written'));
        await versions.create(tx, tenantA, 'test');
        throw new Error('fails after two writes');
      }),
    ).rejects.toThrow('fails after two writes');
    const left = await database.forTenant(tenantA, async (tx) => ({
      cluster: await tx.cluster.count({ where: { name: 'half-written' } }),
      version: await versions.current(tx, tenantA),
    }));
    expect(left).toEqual({ cluster: 0, version: 0 });
  });

  it('keeps concurrent transactions of two tenants apart, and numbers versions without gaps', async () => {
    const writes = Array.from({ length: 20 }, (_, i) => {
      const tenant = i % 2 === 0 ? tenantA : tenantB;
      return database.forTenant(tenant, async (tx) => {
        await clusters.create(tx, tenant, sampleCluster(`parallel-${i}`));
        const version = (await versions.create(tx, tenant, 'test')).version;
        const visible = (await tx.cluster.findMany()).map((c) => c.tenantId);
        return { tenant, version, foreign: visible.filter((id) => id !== tenant).length };
      });
    });
    const results = await Promise.all(writes);
    expect(results.every((r) => r.foreign === 0)).toBe(true);
    for (const tenant of [tenantA, tenantB]) {
      const numbers = results.filter((r) => r.tenant === tenant).map((r) => r.version);
      expect(numbers.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });

  it('reads unpublished outbox events and marks them published', async () => {
    const msgId = await database.forTenant(tenantA, (tx) =>
      outbox.add(tx, tenantA, `fleet.config.updated.${tenantA}`, { version: 1 }),
    );
    const claimed = await database.autocommitAsSystem(async (query) => {
      const events = await outbox.unpublished(query, 100);
      await outbox.markPublished(
        query,
        events.map((e) => e.id),
      );
      return events;
    });
    expect(claimed.map((e) => e.msgId)).toContain(msgId);
    expect(claimed.find((e) => e.msgId === msgId)?.payload).toEqual({ version: 1 });
    const again = await database.autocommitAsSystem((query) => outbox.unpublished(query, 100));
    expect(again.map((e) => e.msgId)).not.toContain(msgId);
  });

  it('writes many proxy statuses in one statement, skipping proxies deleted meanwhile', async () => {
    const proxies = new ProxyRepository();
    const statuses = new ProxyStatusRepository();
    const [kept, gone] = await database.forTenant(tenantA, async (tx) => [
      await proxies.create(tx, tenantA, 'batch-kept'),
      await proxies.create(tx, tenantA, 'batch-gone'),
    ]);
    await database.forTenant(tenantA, (tx) => proxies.delete(tx, tenantA, gone.id));
    const status = (proxyId: string, state: 'PENDING' | 'NACKED') => ({
      proxyId,
      type: 'cluster' as const,
      state,
      sentVersion: 'v2',
      ackedVersion: 'v1',
      sentResources: { web: 'h2' },
      ackedResources: { web: 'h1' },
      ...(state === 'NACKED'
        ? {
            errorDetail: 'bad',
            rejection: { configVersion: 3, objects: [{ kind: 'cluster' as const, name: 'web' }] },
          }
        : {}),
    });
    await database.forTenant(tenantA, async (tx) => {
      expect(
        await statuses.upsertMany(tx, tenantA, [status(kept.id, 'PENDING'), status(gone.id, 'PENDING')]),
      ).toBe(1);
      expect(await statuses.upsertMany(tx, tenantA, [status(kept.id, 'NACKED')])).toBe(1);
    });
    const stored = await database.forTenant(tenantA, (tx) => statuses.listForProxy(tx, kept.id));
    expect(stored.map(({ updatedAt: _u, ...rest }) => rest)).toEqual([
      {
        type: 'cluster',
        state: 'NACKED',
        sentVersion: 'v2',
        ackedVersion: 'v1',
        sentResources: { web: 'h2' },
        ackedResources: { web: 'h1' },
        errorDetail: 'bad',
        rejection: { configVersion: 3, objects: [{ kind: 'cluster', name: 'web' }] },
      },
    ]);
  });

  it('answers ping', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });
});

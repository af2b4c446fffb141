import {
  Database,
  ProxyBatchRepository,
  ProxyRepository,
  ProxyStatusRepository,
  TenantRepository,
} from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { PROXY_CACHE_TTL_MS, ProxyDirectory } from '../src/admission/proxy-directory';
import { StoredStatuses } from '../src/proxy-status/stored-statuses';

describe(ProxyDirectory.name, () => {
  let db: TestDatabase;
  let database: Database;
  let tenantA: string;
  let tenantB: string;
  /** Proxy ids by node id, of tenant A's `a-<i>` and B's `b-0`. */
  const ids = new Map<string, string>();
  const proxies = new ProxyRepository();
  const batch = new ProxyBatchRepository();
  const statuses = new ProxyStatusRepository();

  const register = (tenantId: string, nodeId: string) =>
    database.forTenant(tenantId, (tx) => proxies.create(tx, tenantId, nodeId));

  beforeAll(async () => {
    db = await createTestDatabase();
    database = Database.connect(db.appUrl);
    const tenants = new TenantRepository();
    tenantA = (await database.asSystem((tx) => tenants.create(tx, 'a'))).id;
    tenantB = (await database.asSystem((tx) => tenants.create(tx, 'b'))).id;
    await database.forTenant(tenantA, async (tx) => {
      for (let i = 0; i < 30; i++) ids.set(`a-${i}`, (await proxies.create(tx, tenantA, `a-${i}`)).id);
    });
    ids.set('b-0', (await register(tenantB, 'b-0')).id);
    // The same node id in the other tenant: a different proxy, never confused with A's.
    ids.set('b-a-0', (await register(tenantB, 'a-0')).id);
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await database?.close();
    await db?.drop();
  });

  it('looks up proxies admitted together in one query by proxy id, whatever their tenant', async () => {
    const directory = new ProxyDirectory(database, batch);
    const nodeIds = [...Array.from({ length: 30 }, (_, i) => `a-${i}`), 'b-0'];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const lookups = [...nodeIds.map((nodeId) => ids.get(nodeId)!), ids.get('b-a-0')!, unknown, 'not-a-uuid'];
    const found = await Promise.all(lookups.map((proxyId) => directory.lookup(proxyId)));
    expect(found.map(({ proxy }) => proxy?.nodeId)).toEqual([...nodeIds, 'a-0', undefined, undefined]);
    expect(found.map(({ proxy }) => proxy?.tenantId).slice(29, 32)).toEqual([tenantA, tenantB, tenantB]);
    expect(found[31]?.proxy?.id).not.toBe(found[0]?.proxy?.id);
    expect(directory.reads).toBe(1);
    // Found ones are kept: a reconnect is no query; an unknown id is asked again (it may register).
    await directory.lookup(ids.get('a-3')!);
    await directory.lookup(unknown);
    expect(directory.reads).toBe(2);
  });

  it('refuses a removed proxy at once although it was cached, once the removal is heard of', async () => {
    const directory = new ProxyDirectory(database, batch);
    const proxy = await register(tenantA, 'a-removed');
    expect((await directory.lookup(proxy.id)).proxy?.id).toBe(proxy.id);
    await database.forTenant(tenantA, (tx) => proxies.delete(tx, tenantA, proxy.id));
    directory.invalidate(proxy.id); // what ProxyRemovedHandler does on fleet.proxy.removed
    expect((await directory.lookup(proxy.id)).proxy).toBeUndefined();
  });

  it('tells an admission under way that its proxy changed, and the next lookup sees the new token generation', async () => {
    const directory = new ProxyDirectory(database, batch);
    const proxy = await register(tenantA, 'a-rotated');
    const { stamp } = await directory.lookup(proxy.id);
    await database.forTenant(tenantA, (tx) => proxies.rotateToken(tx, tenantA, proxy.id));
    expect(directory.changedSince(proxy.id, stamp)).toBe(false);
    directory.invalidate(proxy.id); // what ProxyTokenRotatedHandler does
    expect(directory.changedSince(proxy.id, stamp)).toBe(true);
    expect(directory.changedSince(ids.get('a-0')!, stamp)).toBe(false);
    expect((await directory.lookup(proxy.id)).proxy?.tokenGeneration).toBe(2);
  });

  it('reads a cached proxy again after the TTL, even without an event (a missed one)', async () => {
    const directory = new ProxyDirectory(database, batch);
    const proxy = await register(tenantA, 'a-expiring');
    await directory.lookup(proxy.id);
    await database.forTenant(tenantA, (tx) => proxies.delete(tx, tenantA, proxy.id));
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + PROXY_CACHE_TTL_MS + 1);
    expect((await directory.lookup(proxy.id)).proxy).toBeUndefined();
    jest.restoreAllMocks();
  });

  it('answers UNAVAILABLE, which proxies retry, when the database does not answer (not INTERNAL)', async () => {
    // Three tries after the first, 2.1 s of waits in all.
    const unreachable = Database.connect('postgres://fleet_app@127.0.0.1:1/nowhere');
    try {
      const error = await new ProxyDirectory(unreachable, batch)
        .lookup(ids.get('a-0')!)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('UNAVAILABLE');
    } finally {
      await unreachable.close();
    }
  }, 15_000);

  describe(StoredStatuses.name, () => {
    it('reads the statuses of proxies admitted together in one query per tenant, each its own', async () => {
      const [a1, a2, b0] = await Promise.all(
        ['a-1', 'a-2', 'b-0'].map(
          async (nodeId) => (await new ProxyDirectory(database, batch).lookup(ids.get(nodeId)!)).proxy!,
        ),
      );
      const status = (version: string) => ({
        state: 'ACKED' as const,
        sentVersion: version,
        ackedVersion: version,
        sentResources: { web: version },
        ackedResources: { web: version },
      });
      await database.forTenant(tenantA, (tx) =>
        statuses.upsertMany(tx, tenantA, [
          { proxyId: a1!.id, type: 'listener', ...status('l1') },
          { proxyId: a1!.id, type: 'cluster', ...status('c1') },
        ]),
      );
      await database.forTenant(tenantB, (tx) =>
        statuses.upsertMany(tx, tenantB, [{ proxyId: b0!.id, type: 'listener', ...status('lb') }]),
      );
      const stored = new StoredStatuses(database, statuses);
      const [forA1, forA2, forB0] = await Promise.all([
        stored.load(tenantA, a1!.id),
        stored.load(tenantA, a2!.id),
        stored.load(tenantB, b0!.id),
      ]);
      expect(forA1.map((s) => [s.type, s.ackedVersion])).toEqual([
        ['listener', 'l1'],
        ['cluster', 'c1'],
      ]);
      expect(forA2).toEqual([]);
      expect(forB0.map((s) => s.ackedResources)).toEqual([{ web: 'lb' }]);
      expect(stored.reads).toBe(1);
      // Row-level security holds inside the batch: a proxy id under the wrong tenant reads nothing.
      expect(await stored.load(tenantB, a1!.id)).toEqual([]);
    });
  });
});

import {
  ApiKeyRepository,
  AuditRepository,
  ConfigVersionRepository,
  Database,
  ProxyRepository,
  ProxyStatusRepository,
  TenantRepository,
  UserRepository,
} from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';

describe(UserRepository.name, () => {
  let db: TestDatabase;
  let database: Database;
  let tenantA: string;
  let tenantB: string;
  const tenants = new TenantRepository();
  const users = new UserRepository();
  const apiKeys = new ApiKeyRepository();
  const proxies = new ProxyRepository();
  const statuses = new ProxyStatusRepository();
  const audit = new AuditRepository();
  const versions = new ConfigVersionRepository();

  beforeAll(async () => {
    db = await createTestDatabase();
    database = Database.connect(db.appUrl);
    tenantA = (await database.asSystem((tx) => tenants.create(tx, 'a'))).id;
    tenantB = (await database.asSystem((tx) => tenants.create(tx, 'b'))).id;
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  it('finds a user by email across tenants only as the system role', async () => {
    const user = { tenantId: tenantB, email: 'bob@b.example', passwordHash: 'h', roles: ['editor' as const] };
    await database.forTenant(tenantB, (tx) => users.create(tx, user));
    await expect(
      database.forTenant(tenantA, (tx) => users.create(tx, { ...user, tenantId: tenantA })),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const found = await database.asSystem((tx) => users.findByEmail(tx, 'bob@b.example'));
    expect(found).toMatchObject(user);
    expect(await database.forTenant(tenantA, (tx) => users.list(tx, tenantA))).toEqual([]);
  });

  it('creates, finds and revokes API keys', async () => {
    const key = await database.forTenant(tenantA, (tx) =>
      apiKeys.create(tx, {
        tenantId: tenantA,
        name: 'ci',
        prefix: 'efk_abc',
        secretHash: 'h',
        roles: ['viewer'],
      }),
    );
    expect((await database.asSystem((tx) => apiKeys.findByPrefix(tx, 'efk_abc')))?.id).toBe(key.id);
    const revoked = await database.forTenant(tenantA, (tx) => apiKeys.revoke(tx, tenantA, key.id));
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    await expect(
      database.forTenant(tenantB, (tx) => apiKeys.revoke(tx, tenantB, key.id)),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('registers proxies, tracks connection and per-type status', async () => {
    const proxy = await database.forTenant(tenantA, (tx) =>
      proxies.create(tx, tenantA, 'node-1', { zone: 'a' }),
    );
    expect(proxy).toMatchObject({
      tenantId: tenantA,
      nodeId: 'node-1',
      labels: { zone: 'a' },
      connected: false,
    });
    await expect(
      database.forTenant(tenantA, (tx) => proxies.create(tx, tenantA, 'node-1')),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: "proxy 'node-1' already exists" });
    // Node ids are unique per tenant: another tenant's proxy may (and cannot tell it does) share one.
    const other = await database.forTenant(tenantB, (tx) => proxies.create(tx, tenantB, 'node-1'));
    expect(other.id).not.toBe(proxy.id);

    const seen = await database.asSystem((tx) => proxies.findById(tx, proxy.id));
    expect(seen).toMatchObject({ tenantId: tenantA, nodeId: 'node-1' });
    expect(await database.asSystem((tx) => proxies.findById(tx, 'node-1'))).toBeNull();
    const connected = await database.asSystem((tx) => proxies.setConnected(tx, proxy.id, true));
    expect(connected.connected).toBe(true);
    expect(connected.lastConnectedAt).toBeInstanceOf(Date);

    await database.forTenant(tenantA, async (tx) => {
      await statuses.upsert(tx, tenantA, proxy.id, {
        type: 'cluster',
        state: 'PENDING',
        sentVersion: '1',
        ackedVersion: '',
        sentResources: { backend: 'h1' },
        ackedResources: {},
      });
      await statuses.upsert(tx, tenantA, proxy.id, {
        type: 'cluster',
        state: 'NACKED',
        sentVersion: '2',
        ackedVersion: '1',
        sentResources: { backend: 'h2' },
        ackedResources: { backend: 'h1' },
        errorDetail: 'bad',
        rejection: { configVersion: 7, objects: [{ kind: 'cluster', name: 'backend' }] },
      });
      await statuses.upsert(tx, tenantA, proxy.id, {
        type: 'listener',
        state: 'ACKED',
        sentVersion: '2',
        ackedVersion: '2',
        sentResources: { web: 'h3' },
        ackedResources: { web: 'h3' },
      });
    });
    const list = await database.forTenant(tenantA, (tx) => statuses.listForProxy(tx, proxy.id));
    expect(list.map(({ updatedAt: _u, ...rest }) => rest)).toEqual([
      {
        type: 'listener',
        state: 'ACKED',
        sentVersion: '2',
        ackedVersion: '2',
        sentResources: { web: 'h3' },
        ackedResources: { web: 'h3' },
      },
      {
        type: 'cluster',
        state: 'NACKED',
        sentVersion: '2',
        ackedVersion: '1',
        sentResources: { backend: 'h2' },
        ackedResources: { backend: 'h1' },
        errorDetail: 'bad',
        rejection: { configVersion: 7, objects: [{ kind: 'cluster', name: 'backend' }] },
      },
    ]);
    const byProxy = await database.forTenant(tenantA, (tx) => statuses.listForTenant(tx, tenantA));
    expect(byProxy.get(proxy.id)?.map((s) => s.type)).toEqual(['listener', 'cluster']);
    expect(await database.forTenant(tenantB, (tx) => statuses.listForProxy(tx, proxy.id))).toEqual([]);
  });

  it('writes audit entries in the same transaction as the change, and loses them with a rollback', async () => {
    await database.forTenant(tenantA, (tx) =>
      audit.add(tx, {
        tenantId: tenantA,
        actor: 'alice',
        action: 'create',
        kind: 'cluster',
        name: 'x',
        after: { a: 1 },
      }),
    );
    await expect(
      database.forTenant(tenantA, async (tx) => {
        await audit.add(tx, {
          tenantId: tenantA,
          actor: 'alice',
          action: 'delete',
          kind: 'cluster',
          name: 'x',
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const entries = await database.forTenant(tenantA, (tx) => audit.list(tx, tenantA, { kind: 'cluster' }));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'create', after: { a: 1 } });
    expect(entries[0]?.before).toBeUndefined();
  });

  it('gives distinct, gap-free versions to concurrent writers of one tenant', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        database.forTenant(tenantB, (tx) => versions.create(tx, tenantB, `writer-${i}`), { timeout: 20000 }),
      ),
    );
    expect(created.map((v) => v.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await database.forTenant(tenantB, (tx) => versions.current(tx, tenantB))).toBe(8);
    expect(await database.forTenant(tenantA, (tx) => versions.current(tx, tenantA))).toBe(0);
  });
});

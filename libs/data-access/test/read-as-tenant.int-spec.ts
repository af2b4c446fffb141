import {
  ClusterRepository,
  Database,
  ListenerRepository,
  RouteConfigurationRepository,
  TenantRepository,
} from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { sampleCluster, twoTenantsWithClusters } from './fixtures';

// Database.readAsTenant: the hot reads' path outside transactions, on its own pool.
describe('Database.readAsTenant', () => {
  let db: TestDatabase;
  let database: Database;
  const tenants = new TenantRepository();
  const clusters = new ClusterRepository();
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One connection: every read below reuses the connection the previous one set its tenant on.
    database = Database.connect(db.appUrl, 1);
    ({ tenantA, tenantB } = await twoTenantsWithClusters(database));
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  const namesSeenBy = (tenantId: string) =>
    database.readAsTenant(tenantId, (query) =>
      query<{ name: string }>('SELECT name FROM clusters ORDER BY name', []),
    );

  it("shows only the tenant's rows, whichever tenant used the connection before", async () => {
    expect(await namesSeenBy(tenantA)).toEqual([{ name: 'a-backend' }]);
    expect(await namesSeenBy(tenantB)).toEqual([{ name: 'b-backend' }]);
    expect(await namesSeenBy(tenantA)).toEqual([{ name: 'a-backend' }]);
  });

  it('reads an object as the transaction path does', async () => {
    const read = await database.readAsTenant(tenantA, (query) => clusters.read(query, tenantA, 'a-backend'));
    const got = await database.forTenant(tenantA, (tx) => clusters.get(tx, tenantA, 'a-backend'));
    expect(read).toEqual(got);
    await expect(
      database.readAsTenant(tenantA, (query) => clusters.read(query, tenantA, 'b-backend')),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads listeners and route configurations as the transaction path does', async () => {
    const listeners = new ListenerRepository();
    const routes = new RouteConfigurationRepository();
    await database.forTenant(tenantA, async (tx) => {
      await routes.create(tx, tenantA, {
        name: 'a-routes',
        virtualHosts: [
          {
            name: 'all',
            domains: ['*'],
            routes: [{ name: 'all', match: { prefix: '/' }, action: { cluster: 'a-backend' } }],
          },
        ],
      });
      await listeners.create(tx, tenantA, { name: 'a-listener', routeConfigName: 'a-routes' });
    });
    const readListener = await database.readAsTenant(tenantA, (query) =>
      listeners.read(query, tenantA, 'a-listener'),
    );
    expect(readListener).toEqual(
      await database.forTenant(tenantA, (tx) => listeners.get(tx, tenantA, 'a-listener')),
    );
    const readRoutes = await database.readAsTenant(tenantA, (query) =>
      routes.read(query, tenantA, 'a-routes'),
    );
    expect(readRoutes).toEqual(
      await database.forTenant(tenantA, (tx) => routes.get(tx, tenantA, 'a-routes')),
    );
    await expect(
      database.readAsTenant(tenantB, (query) => listeners.read(query, tenantB, 'a-listener')),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to write, and the connection goes on serving reads', async () => {
    await expect(
      database.readAsTenant(tenantA, (query) => query("DELETE FROM clusters WHERE name = 'a-backend'", [])),
    ).rejects.toThrow(/read-only transaction/);
    expect(await namesSeenBy(tenantA)).toEqual([{ name: 'a-backend' }]);
  });

  it('on the embedded database, reads through a tenant transaction with the same result', async () => {
    const embedded = await Database.embedded();
    try {
      const tenant = (await embedded.asSystem((tx) => tenants.create(tx, 'embedded'))).id;
      await embedded.forTenant(tenant, (tx) => clusters.create(tx, tenant, sampleCluster('e-backend')));
      const read = await embedded.readAsTenant(tenant, (query) => clusters.read(query, tenant, 'e-backend'));
      expect(read).toEqual(await embedded.forTenant(tenant, (tx) => clusters.get(tx, tenant, 'e-backend')));
    } finally {
      await embedded.close();
    }
  });
});

import {
  ClusterRepository,
  ConfigVersionRepository,
  Database,
  ListenerRepository,
  RouteConfigurationRepository,
  SecretRepository,
  TenantConfigReader,
  TenantRepository,
  type TenantTx,
} from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { sampleCluster, sampleListener, sampleRouteConfiguration, sampleSecret } from './fixtures';

describe(ClusterRepository.name, () => {
  let db: TestDatabase;
  let database: Database;
  let tenantId: string;
  const clusters = new ClusterRepository();
  const listeners = new ListenerRepository();
  const routes = new RouteConfigurationRepository();
  const secrets = new SecretRepository();
  const versions = new ConfigVersionRepository();
  const reader = new TenantConfigReader();

  beforeAll(async () => {
    db = await createTestDatabase();
    database = Database.connect(db.appUrl);
    tenantId = (await database.asSystem((tx) => new TenantRepository().create(tx, 'acme'))).id;
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  const inTenant = <T>(fn: (tx: TenantTx) => Promise<T>): Promise<T> => database.forTenant(tenantId, fn);

  it('round-trips a cluster with its endpoints, and bumps the revision on update', async () => {
    const created = await inTenant((tx) => clusters.create(tx, tenantId, sampleCluster()));
    expect(created).toEqual({ ...sampleCluster(), revision: 1 });

    const changed = {
      ...sampleCluster(),
      lbPolicy: 'ROUND_ROBIN' as const,
      endpoints: sampleCluster().endpoints.slice(1),
    };
    const updated = await inTenant((tx) => clusters.update(tx, tenantId, changed, 1));
    expect(updated).toEqual({ ...changed, revision: 2 });

    const replaced = await inTenant((tx) =>
      clusters.replaceEndpoints(tx, tenantId, 'backend', sampleCluster().endpoints),
    );
    expect(replaced.endpoints).toEqual(sampleCluster().endpoints);
    expect(replaced.revision).toBe(3);
  });

  it('maps unique violations, missing rows and stale revisions to domain errors', async () => {
    await expect(inTenant((tx) => clusters.create(tx, tenantId, sampleCluster()))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: "cluster 'backend' already exists",
    });
    await expect(inTenant((tx) => clusters.get(tx, tenantId, 'nope'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(inTenant((tx) => clusters.update(tx, tenantId, sampleCluster(), 1))).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
    await expect(inTenant((tx) => listeners.delete(tx, tenantId, 'nope'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('round-trips listeners, route configurations and secrets', async () => {
    const apiListener = sampleListener('svc');
    const portListener = { name: 'edge', address: '0.0.0.0', port: 10000, routeConfigName: 'svc-routes' };
    await inTenant(async (tx) => {
      expect(await listeners.create(tx, tenantId, apiListener)).toEqual({ ...apiListener, revision: 1 });
      expect(await listeners.create(tx, tenantId, portListener)).toEqual({ ...portListener, revision: 1 });
      expect(await routes.create(tx, tenantId, sampleRouteConfiguration())).toEqual({
        ...sampleRouteConfiguration(),
        revision: 1,
      });
      expect(await secrets.create(tx, tenantId, sampleSecret())).toEqual({ ...sampleSecret(), revision: 1 });
      const ca = { name: 'ca', type: 'VALIDATION_CONTEXT' as const, certificatePem: 'PEM' };
      expect(await secrets.create(tx, tenantId, ca)).toEqual({ ...ca, revision: 1 });
    });
    const updated = await inTenant((tx) =>
      listeners.update(tx, tenantId, { ...apiListener, routeConfigName: 'x' }),
    );
    expect(updated).toEqual({ ...apiListener, routeConfigName: 'x', revision: 2 });
    const deleted = await inTenant((tx) => secrets.delete(tx, tenantId, 'ca'));
    expect(deleted.name).toBe('ca');
    expect((await inTenant((tx) => secrets.list(tx, tenantId))).map((s) => s.name)).toEqual(['tls']);
  });

  it('assembles the whole tenant config at its current version', async () => {
    await inTenant((tx) => versions.create(tx, tenantId, 'alice', { changed: ['cluster/backend'] }));
    const config = await inTenant((tx) => reader.load(tx, tenantId));
    expect(config.tenantId).toBe(tenantId);
    expect(config.version).toBe(1);
    expect(config.clusters).toEqual([{ ...sampleCluster(), lbPolicy: 'ROUND_ROBIN' }]);
    expect(config.listeners.map((l) => l.name)).toEqual(['edge', 'svc']);
    expect(config.routeConfigurations).toEqual([sampleRouteConfiguration()]);
    expect(config.secrets).toEqual([sampleSecret()]);
  });

  it('deletes a cluster with its endpoints', async () => {
    const before = await inTenant((tx) => clusters.delete(tx, tenantId, 'backend'));
    expect(before.name).toBe('backend');
    expect(await inTenant((tx) => tx.endpoint.count())).toBe(0);
  });
});

import { ClustersController } from '../src/clusters/clusters.controller';
import type { TestClient, TestResponse } from './support/api-test-app';
import {
  certificates,
  ConfigModelApi,
  createCluster,
  createEdgeListener,
  createSecrets,
  createSiteRoutes,
} from './support/config-model-fixtures';

describe(`${ClustersController.name} (the config model through the API)`, () => {
  let fleet: ConfigModelApi;
  let owner: TestClient;
  const refused = (send: () => Promise<TestResponse>, status: number, field?: string) =>
    fleet.refused(send, status, field);

  beforeAll(async () => {
    fleet = await ConfigModelApi.start('config-clusters');
    owner = fleet.owner;
    await createCluster(owner, 'web');
    await createSecrets(owner, certificates());
    // The listener `edge` also uses client-ca: the 409 below names both users.
    await createSiteRoutes(owner);
    await createEdgeListener(owner);
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('takes clusters with health checks, circuit breakers, outlier detection and upstream TLS', async () => {
    const body = {
      name: 'secure-api',
      http2: true,
      endpoints: [
        { address: '10.0.0.2', port: 443, locality: { region: 'eu', zone: 'eu-1' }, priority: 1, weight: 3 },
      ],
      healthChecks: [{ timeoutMs: 1000, intervalMs: 5000, http: { path: '/healthz' } }],
      circuitBreakers: { maxConnections: 100, maxRetries: 3 },
      outlierDetection: { consecutive5xx: 5, baseEjectionTimeMs: 30_000 },
      tls: { sni: 'api.internal', validationSecret: 'client-ca' },
    };
    await refused(
      () => owner.post('/v1/clusters', { ...body, tls: { validationSecret: 'missing-ca' } }),
      422,
      'tls.validationSecret',
    );
    await refused(
      () => owner.post('/v1/clusters', { ...body, healthChecks: [{ timeoutMs: 1000, intervalMs: 5000 }] }),
      400,
      'healthChecks[0]',
    );
    // Envoy's HealthCheck.timeout must be above 0 (validate.rules duration.gt): the rendered cluster is checked.
    await refused(
      () =>
        owner.post('/v1/clusters', { ...body, healthChecks: [{ timeoutMs: 0, intervalMs: 5000, tcp: {} }] }),
      422,
      'healthChecks[0].timeoutMs',
    );
    const created = await owner.post('/v1/clusters', body);
    expect(created.status).toBe(201);
    expect((await owner.get('/v1/clusters/secure-api')).body).toMatchObject({
      healthChecks: [
        {
          timeoutMs: 1000,
          intervalMs: 5000,
          unhealthyThreshold: 3,
          healthyThreshold: 1,
          http: { path: '/healthz' },
        },
      ],
      circuitBreakers: { maxConnections: 100, maxRetries: 3 },
      outlierDetection: { consecutive5xx: 5, baseEjectionTimeMs: 30_000 },
      tls: { sni: 'api.internal', validationSecret: 'client-ca' },
    });
    const inUse = await owner.request('DELETE', '/v1/secrets/client-ca');
    expect(inUse.status).toBe(409);
    expect((inUse.body as { detail: string }).detail).toMatch(/cluster 'secure-api'.*listener 'edge'/);
  });
});

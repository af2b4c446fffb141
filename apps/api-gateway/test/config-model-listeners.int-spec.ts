import { ListenersController } from '../src/listeners/listeners.controller';
import type { TestClient, TestResponse } from './support/api-test-app';
import {
  certificates,
  ConfigModelApi,
  createCluster,
  createSecrets,
  createSiteRoutes,
} from './support/config-model-fixtures';

describe(`${ListenersController.name} (the config model through the API, HTTP and TCP)`, () => {
  let fleet: ConfigModelApi;
  let owner: TestClient;
  const refused = (send: () => Promise<TestResponse>, status: number, field?: string) =>
    fleet.refused(send, status, field);

  beforeAll(async () => {
    fleet = await ConfigModelApi.start('config-listeners');
    owner = fleet.owner;
    await createCluster(owner, 'web');
    // A weighted-cluster target of the TCP chains (the clusters spec covers its richer settings).
    await createCluster(owner, 'secure-api', '10.0.0.2', 443);
    await createSecrets(owner, certificates());
    await createSiteRoutes(owner);
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('takes a listener with SNI filter chains and downstream TLS, and refuses references that do not resolve (422)', async () => {
    // site-routes (to `web`) is a fixture: createSiteRoutes checks it was created (201).
    const chain = (tls: object) => ({
      serverNames: ['api.example.com'],
      tls,
      routeConfigName: 'site-routes',
    });
    const listener = (tls: object) => ({ name: 'edge', port: 8443, filterChains: [chain(tls)] });
    await refused(
      () => owner.post('/v1/listeners', listener({ certificateSecret: 'no-such-cert' })),
      422,
      'filterChains[0].tls.certificateSecret',
    );
    // A validation context where a certificate belongs is the wrong kind of secret.
    await refused(
      () => owner.post('/v1/listeners', listener({ certificateSecret: 'client-ca' })),
      422,
      'filterChains[0].tls.certificateSecret',
    );
    await refused(
      () =>
        owner.post('/v1/listeners', {
          name: 'edge',
          port: 8443,
          filterChains: [{ ...chain({ certificateSecret: 'site-cert' }), routeConfigName: 'nope' }],
        }),
      422,
      'filterChains[0].routeConfigName',
    );
    await refused(
      () =>
        owner.post('/v1/listeners', {
          name: 'edge',
          filterChains: [chain({ certificateSecret: 'site-cert' })],
        }),
      400,
      'filterChains',
    );
    await refused(() => owner.post('/v1/listeners', { name: 'edge', port: 8443 }), 400, 'routeConfigName');

    const created = await owner.post(
      '/v1/listeners',
      listener({ certificateSecret: 'site-cert', validationSecret: 'client-ca' }),
    );
    expect(created.status).toBe(201);
    expect((await owner.get('/v1/listeners/edge')).body).toMatchObject({
      port: 8443,
      filterChains: [
        {
          serverNames: ['api.example.com'],
          tls: { certificateSecret: 'site-cert', validationSecret: 'client-ca' },
        },
      ],
    });
  });

  it('refuses to delete a secret or a route configuration a listener still uses (409 naming it)', async () => {
    const secret = await refused(() => owner.request('DELETE', '/v1/secrets/site-cert'), 409);
    expect((secret.body as { detail: string }).detail).toContain("listener 'edge'");
    const routes = await owner.request('DELETE', '/v1/route-configurations/site-routes');
    expect(routes.status).toBe(409);
    expect((routes.body as { detail: string }).detail).toContain("listener 'edge'");
  });

  it('takes TCP proxy filter chains (SNI, downstream TLS, weighted clusters), 400/422 naming the field otherwise', async () => {
    expect(
      (await owner.post('/v1/clusters', { name: 'db', endpoints: [{ address: '10.0.0.5', port: 5432 }] }))
        .status,
    ).toBe(201);
    const post =
      (...filterChains: object[]) =>
      () =>
        owner.post('/v1/listeners', { name: 'tcp-edge', port: 5432, filterChains });
    const tlsChain = {
      serverNames: ['db.example.com'],
      tls: { certificateSecret: 'site-cert' },
      tcpProxy: { cluster: 'db', idleTimeoutMs: 600_000 },
    };
    await refused(
      post({ routeConfigName: 'site-routes', tcpProxy: { cluster: 'db' } }),
      400,
      'filterChains[0].tcpProxy',
    );
    await refused(post({ serverNames: ['db.example.com'] }), 400, 'filterChains[0].routeConfigName');
    await refused(
      post({ tcpProxy: { cluster: 'db', weightedClusters: [{ cluster: 'web', weight: 1 }] } }),
      400,
      'filterChains[0].tcpProxy.cluster',
    );
    await refused(
      post({ tcpProxy: { weightedClusters: [{ cluster: 'web', weight: 0 }] } }),
      400,
      'filterChains[0].tcpProxy.weightedClusters[0].weight',
    );
    await refused(
      post({ tcpProxy: { cluster: 'db', statPrefix: '' } }),
      400,
      'filterChains[0].tcpProxy.statPrefix',
    );
    await refused(
      post({ tcpProxy: { cluster: 'no-such-cluster' } }),
      422,
      'filterChains[0].tcpProxy.cluster',
    );
    await refused(
      post(tlsChain, {
        tcpProxy: {
          weightedClusters: [
            { cluster: 'web', weight: 3 },
            { cluster: 'gone', weight: 1 },
          ],
        },
      }),
      422,
      'filterChains[1].tcpProxy.weightedClusters[1].cluster',
    );
    await refused(
      post({ ...tlsChain, tls: { certificateSecret: 'no-such-cert' } }),
      422,
      'filterChains[0].tls.certificateSecret',
    );

    // SNI picks the chain: TLS ends here for db.example.com, passes through for the rest.
    const passthrough = {
      serverNames: ['cache.example.com'],
      tcpProxy: {
        weightedClusters: [
          { cluster: 'web', weight: 3 },
          { cluster: 'secure-api', weight: 1 },
        ],
        statPrefix: 'cache_passthrough',
      },
    };
    expect((await post(tlsChain, passthrough)()).status).toBe(201);
    expect((await owner.get('/v1/listeners/tcp-edge')).body).toMatchObject({
      port: 5432,
      filterChains: [tlsChain, passthrough],
    });
    // A chain can switch between HTTP and TCP on replace.
    const replaced = await owner.put('/v1/listeners/tcp-edge', {
      port: 5432,
      filterChains: [tlsChain, { routeConfigName: 'site-routes' }],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ filterChains: [tlsChain, { routeConfigName: 'site-routes' }] });
  });

  it('refuses to delete a cluster a listener still forwards TCP to (409 naming it), nothing written', async () => {
    const inUse = await refused(() => owner.request('DELETE', '/v1/clusters/db'), 409);
    expect((inUse.body as { detail: string }).detail).toBe("cluster 'db' is used by listener 'tcp-edge'");
    expect((await owner.get('/v1/clusters/db')).status).toBe(200);
    expect((await owner.request('DELETE', '/v1/listeners/tcp-edge')).status).toBe(204);
    expect((await owner.request('DELETE', '/v1/clusters/db')).status).toBe(204);
  });
});

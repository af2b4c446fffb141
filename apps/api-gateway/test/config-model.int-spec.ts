import { selfSigned } from '@envoy-fleet/testing';
import { SecretBox } from '@envoy-fleet/domain';
import { Client } from 'pg';
import { SecretsController } from '../src/secrets/secrets.controller';
import { ApiTestApp, TestClient, TestResponse } from './support/api-test-app';

const TABLES = [
  'clusters',
  'listeners',
  'route_configurations',
  'secrets',
  'config_versions',
  'outbox_events',
];

function expectProblem(response: TestResponse, status: number, field?: string): void {
  const fields = (response.body as { errors?: { field: string }[] }).errors?.map((e) => e.field);
  expect({ status: response.status, fields }).toEqual({
    status,
    fields: field === undefined ? undefined : expect.arrayContaining([field]),
  });
}

describe(`the config model through the API (${SecretsController.name} and the other kinds)`, () => {
  let api: ApiTestApp;
  let owner: TestClient;
  let sql: Client;
  const site = selfSigned('api.example.com');
  const other = selfSigned('other.example.com');

  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      result[table] = Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    }
    return result;
  };
  /** Sends a request that must be refused, and checks it wrote nothing. */
  const refused = async (send: () => Promise<TestResponse>, status: number, field?: string) => {
    const before = await counts();
    const response = await send();
    expectProblem(response, status, field);
    expect(await counts()).toEqual(before);
    return response;
  };

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('config-model'));
    sql = new Client({ connectionString: api.database.adminUrl });
    await sql.connect();
    expect(
      (await owner.post('/v1/clusters', { name: 'web', endpoints: [{ address: '10.0.0.1', port: 80 }] }))
        .status,
    ).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await api?.stop();
  });

  it('stores a TLS certificate with its key sealed, and never shows the key again', async () => {
    const created = await owner.post<Record<string, unknown>>('/v1/secrets', {
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      certificatePem: site.cert,
      privateKeyPem: site.key,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      subjects: ['CN=api.example.com'],
      subjectAltNames: ['DNS:api.example.com'],
      hasPrivateKey: true,
      fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      notAfter: expect.any(String),
    });
    for (const response of [
      created,
      await owner.get('/v1/secrets/site-cert'),
      await owner.get('/v1/secrets'),
    ]) {
      expect(JSON.stringify(response.body)).not.toContain('PRIVATE KEY');
    }
    const row = (await sql.query(`SELECT private_key_pem FROM secrets WHERE name = 'site-cert'`)).rows[0];
    expect(row.private_key_pem).not.toContain('PRIVATE KEY');
    // Sealed with the key kept in the database (SECRETS_ENCRYPTION_KEY is unset here).
    const key = (await sql.query(`SELECT secret FROM fleet_keys WHERE name = 'secrets-encryption'`)).rows[0]
      .secret;
    expect(new SecretBox(key).open(row.private_key_pem)).toBe(site.key);
    const audit = await sql.query(`SELECT before, after FROM audit_logs WHERE name = 'site-cert'`);
    expect(audit.rows).toHaveLength(1);
    expect(JSON.stringify(audit.rows)).not.toContain('PRIVATE KEY');

    expect(
      (
        await owner.post('/v1/secrets', {
          name: 'client-ca',
          type: 'VALIDATION_CONTEXT',
          certificatePem: other.cert,
        })
      ).status,
    ).toBe(201);
  });

  it('checks PEM on write: 400 naming the field, nothing written', async () => {
    const post = (body: object) => () =>
      owner.post('/v1/secrets', { name: 'bad', type: 'TLS_CERTIFICATE', ...body });
    await refused(
      post({ certificatePem: 'no certificate here', privateKeyPem: site.key }),
      400,
      'certificatePem',
    );
    await refused(post({ certificatePem: site.cert }), 400, 'privateKeyPem');
    await refused(post({ certificatePem: site.cert, privateKeyPem: other.key }), 400, 'privateKeyPem');
    await refused(post({ certificatePem: site.cert, privateKeyPem: 'not a key' }), 400, 'privateKeyPem');
    await refused(
      () => owner.post('/v1/secrets', { name: 'bad', type: 'SSH_KEY', certificatePem: site.cert }),
      400,
      'type',
    );
  });

  it('takes a listener with SNI filter chains and downstream TLS, and refuses references that do not resolve (422)', async () => {
    expect(
      (
        await owner.post('/v1/route-configurations', {
          name: 'site-routes',
          virtualHosts: [
            {
              name: 'site',
              domains: ['api.example.com'],
              routes: [{ match: { prefix: '/' }, action: { cluster: 'web' } }],
            },
          ],
        })
      ).status,
    ).toBe(201);
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

  it('takes the richer routes, and answers 400/422 naming the field for what it or Envoy would refuse', async () => {
    const routes = [
      {
        name: 'canary',
        match: {
          prefix: '/',
          headers: [{ name: 'x-canary', exact: 'true' }],
          queryParameters: [{ name: 'v', present: true }],
        },
        action: {
          weightedClusters: [
            { cluster: 'web', weight: 1 },
            { cluster: 'secure-api', weight: 9 },
          ],
          retryPolicy: { retryOn: '5xx', numRetries: 2 },
        },
        requestHeadersToAdd: [{ name: 'x-route', value: 'canary' }],
      },
      { match: { regex: '/old/.*' }, redirect: { path: '/new', responseCode: 308 } },
      { match: { path: '/down' }, directResponse: { status: 503, body: 'maintenance' } },
      {
        match: { prefix: '/api/' },
        action: { cluster: 'web', regexRewrite: { pattern: '^/api/(.*)$', substitution: '/\\1' } },
      },
    ];
    const post = (rs: object[]) => () =>
      owner.post('/v1/route-configurations', {
        name: 'rich',
        virtualHosts: [{ name: 'vh', domains: ['*'], routes: rs }],
      });
    await refused(
      post([{ ...routes[0], match: { prefix: '/', headers: [{ name: 'bad header', exact: 'x' }] } }]),
      400,
      'virtualHosts[0].routes[0].match.headers[0].name',
    );
    await refused(
      post([{ match: { regex: '(?=x)' }, action: { cluster: 'web' } }]),
      400,
      'virtualHosts[0].routes[0].match.regex',
    );
    await refused(
      post([{ match: { prefix: '/' }, redirect: { path: '/x' }, action: { cluster: 'web' } }]),
      400,
      'virtualHosts[0].routes[0]',
    );
    await refused(
      post([{ match: { prefix: '/' }, directResponse: { status: 99 } }]),
      422,
      'virtualHosts[0].routes[0].directResponse.status',
    );
    await refused(
      post([{ match: { prefix: '/' }, action: { cluster: 'missing' } }]),
      422,
      'virtualHosts[0].routes[0].action.cluster',
    );

    const created = await owner.post('/v1/route-configurations', {
      name: 'rich',
      virtualHosts: [{ name: 'vh', domains: ['*'], routes }],
    });
    expect(created.status).toBe(201);
    const read = await owner.get<{ virtualHosts: { routes: object[] }[] }>('/v1/route-configurations/rich');
    expect(read.body.virtualHosts[0]!.routes).toEqual([
      expect.objectContaining({
        name: 'canary',
        match: routes[0]!.match,
        requestHeadersToAdd: routes[0]!.requestHeadersToAdd,
      }),
      expect.objectContaining({ match: { regex: '/old/.*' }, redirect: { path: '/new', responseCode: 308 } }),
      expect.objectContaining({ directResponse: { status: 503, body: 'maintenance' } }),
      expect.objectContaining({ action: routes[3]!.action }),
    ]);
  });
});

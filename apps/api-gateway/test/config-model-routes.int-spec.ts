import { RouteConfigurationsController } from '../src/route-configurations/route-configurations.controller';
import type { TestClient, TestResponse } from './support/api-test-app';
import { ConfigModelApi, createCluster } from './support/config-model-fixtures';

describe(`${RouteConfigurationsController.name} (the config model through the API)`, () => {
  let fleet: ConfigModelApi;
  let owner: TestClient;
  const refused = (send: () => Promise<TestResponse>, status: number, field?: string) =>
    fleet.refused(send, status, field);

  beforeAll(async () => {
    fleet = await ConfigModelApi.start('config-routes');
    owner = fleet.owner;
    // The weighted clusters the richer routes split traffic between.
    await createCluster(owner, 'web');
    await createCluster(owner, 'secure-api', '10.0.0.2', 443);
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
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

import {
  GrpcJsXdsClient,
  pollUntil,
  PythonXdsClient,
  startTestBackend,
  TestBackend,
} from '@envoy-fleet/testing';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';

function routeTo(cluster: string) {
  return {
    virtualHosts: [
      { name: 'lc', domains: ['lc'], routes: [{ match: { prefix: '/' }, action: { cluster } }] },
    ],
  };
}

/** What a client's next call gives: the backend's name, or 'failing' when the call fails. */
const outcome = (client: { whoAnswers(): Promise<string> }) =>
  client.whoAnswers().then(
    (name) => name,
    () => 'failing',
  );

// Every kind of object added, changed, renamed and removed through the API, followed by both real
// xDS clients (State of the World) without a restart.
describe('Resource lifecycle followed by grpc-js-xds and python3-grpcio', () => {
  let fleet: Fleet;
  let owner: ApiClient;
  const backends: Record<string, TestBackend> = {};
  let clients: { name: string; client: GrpcJsXdsClient | PythonXdsClient }[] = [];

  /** Both clients end up where `expected` says (a backend name, or 'failing'). */
  async function bothReach(expected: string): Promise<void> {
    for (const { name, client } of clients) {
      const reached = await pollUntil(
        () => outcome(client),
        (got) => got === expected,
        {
          timeoutMs: 20_000,
          intervalMs: 50,
        },
      ).catch((error: unknown) => `${name}: ${String(error)}`);
      expect({ client: name, reached }).toEqual({ client: name, reached: expected });
    }
  }

  const ok = async (response: Promise<{ status: number; body: unknown }>, status: number) => {
    const { status: got, body } = await response;
    expect({ got, body }).toEqual({ got: status, body: expect.anything() });
  };

  beforeAll(async () => {
    fleet = await Fleet.start();
    ({ owner } = await fleet.tenantOwner('lifecycle'));
    for (const name of ['backend-a', 'backend-b', 'backend-c']) backends[name] = await startTestBackend(name);
    await ok(
      owner.post('/v1/clusters', {
        name: 'lc-a',
        endpoints: [{ address: '127.0.0.1', port: backends['backend-a'].port }],
      }),
      201,
    );
    await ok(owner.post('/v1/route-configurations', { name: 'lc-routes', ...routeTo('lc-a') }), 201);
    await ok(owner.post('/v1/listeners', { name: 'lc', routeConfigName: 'lc-routes' }), 201);
    const ids: Record<string, string> = {};
    for (const nodeId of ['lc-grpc-js', 'lc-python']) {
      ids[nodeId] = (await owner.post<{ id: string }>('/v1/proxies', { nodeId })).body.id;
    }
    clients = [
      {
        name: 'grpc-js-xds',
        client: new GrpcJsXdsClient('lc', await fleet.grpcBootstrap(owner, ids['lc-grpc-js'])),
      },
      {
        name: 'python3-grpcio',
        client: await PythonXdsClient.start('lc', await fleet.grpcBootstrap(owner, ids['lc-python'])),
      },
    ];
  }, 60_000);

  afterAll(async () => {
    for (const { client } of clients) await client.close();
    await Promise.all(Object.values(backends).map((b) => b.stop()));
    await fleet?.stop();
  });

  it('add: a listener, its route configuration, a cluster and its endpoints reach backend A', async () => {
    await bothReach('backend-a');
  }, 60_000);

  it("change: a cluster's endpoints move to backend B", async () => {
    const endpoints = [{ address: '127.0.0.1', port: backends['backend-b'].port }];
    await ok(owner.put('/v1/clusters/lc-a/endpoints', { endpoints }), 200);
    await bothReach('backend-b');
  }, 60_000);

  it('change: the route moves to a new cluster on backend C', async () => {
    await ok(
      owner.post('/v1/clusters', {
        name: 'lc-c',
        endpoints: [{ address: '127.0.0.1', port: backends['backend-c'].port }],
      }),
      201,
    );
    await ok(owner.put('/v1/route-configurations/lc-routes', routeTo('lc-c')), 200);
    await bothReach('backend-c');
  }, 60_000);

  it('rename: the listener switches to a route configuration under a new name, and the old one goes', async () => {
    await ok(owner.post('/v1/route-configurations', { name: 'lc-routes-2', ...routeTo('lc-a') }), 201);
    await ok(owner.put('/v1/listeners/lc', { routeConfigName: 'lc-routes-2' }), 200);
    await bothReach('backend-b');
    await ok(owner.delete('/v1/route-configurations/lc-routes'), 204);
    await bothReach('backend-b');
  }, 60_000);

  it('rename: a cluster is replaced by one under a new name, and the old one goes', async () => {
    await ok(
      owner.post('/v1/clusters', {
        name: 'lc-a-renamed',
        endpoints: [{ address: '127.0.0.1', port: backends['backend-a'].port }],
      }),
      201,
    );
    await ok(owner.put('/v1/route-configurations/lc-routes-2', routeTo('lc-a-renamed')), 200);
    await ok(owner.delete('/v1/clusters/lc-a'), 204);
    await bothReach('backend-a');
  }, 60_000);

  it('remove: calls fail once the listener they dial is deleted', async () => {
    await ok(owner.delete('/v1/listeners/lc'), 204);
    await bothReach('failing');
  }, 60_000);
});

import { status } from '@grpc/grpc-js';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';
import { freePort } from '../support/fleet-processes';
import { bearerFor, FleetGrpcClient, fromStruct, GrpcAnswer, toStruct } from '../support/grpc-api-client';
import { createApiKey } from '../support/tokens';

interface NamedMessage {
  name: string;
  spec: unknown;
  etag: string;
}
interface ProxyMessage {
  id: string;
  nodeId: string;
  labels: Record<string, string>;
  status: unknown;
}

const routesTo = (cluster: string) => ({
  virtualHosts: [{ name: 'web', domains: ['*'], routes: [{ match: { prefix: '/' }, action: { cluster } }] }],
});

function expectStatus(answer: GrpcAnswer<unknown>, code: status, detail?: RegExp): void {
  expect({ code: answer.error?.code, details: answer.error?.details }).toEqual({
    code,
    details: detail ? expect.stringMatching(detail) : expect.any(String),
  });
}

function ok<T>(answer: GrpcAnswer<T>): T {
  if (answer.error) throw new Error(`gRPC call failed: ${answer.error.code} ${answer.error.details}`);
  return answer.message as T;
}

describe('fleet.v1 gRPC API', () => {
  let fleet: Fleet;
  let grpcAddress: string;
  let a: { tenantId: string; owner: ApiClient };
  let asA: FleetGrpcClient;
  let asB: FleetGrpcClient;
  /** The credentials `Fleet.tenantOwner` gives each tenant's owner. */
  const ownerBearer = (tenant: string) =>
    bearerFor(fleet.apiUrl, `owner@${tenant}.test`, `${tenant}-owner-password`);

  beforeAll(async () => {
    const port = await freePort();
    fleet = await Fleet.start({ API_GRPC_PORT: String(port), API_GRPC_HOST: '127.0.0.1' });
    grpcAddress = `127.0.0.1:${port}`;
    a = await fleet.tenantOwner('grpc-a');
    await fleet.tenantOwner('grpc-b');
    asA = new FleetGrpcClient(grpcAddress, await ownerBearer('grpc-a'));
    asB = asA.as(await ownerBearer('grpc-b'));
  }, 60_000);

  afterAll(async () => {
    asA?.close();
    asB?.close();
    await fleet?.stop();
  });

  it('creates, reads, lists, replaces and deletes clusters, route configurations, listeners and proxies', async () => {
    const created = await asA.call<NamedMessage>('ClusterService', 'CreateCluster', {
      name: 'web',
      spec: toStruct({ lbPolicy: 'ROUND_ROBIN', endpoints: [{ address: '10.0.0.1', port: 8080 }] }),
    });
    expect(ok(created).name).toBe('web');
    expect(fromStruct(ok(created).spec)).toMatchObject({
      lbPolicy: 'ROUND_ROBIN',
      endpoints: [expect.objectContaining({ address: '10.0.0.1', port: 8080, weight: 1 })],
    });
    expect(Number(created.metadata.get('x-fleet-config-version')[0])).toBeGreaterThan(0);

    // The same object through REST: one store, one model.
    const rest = await a.owner.get<Record<string, unknown>>('/v1/clusters/web');
    expect(rest.status).toBe(200);
    const { name: _name, revision: _revision, ...restSpec } = rest.body;
    expect(fromStruct(ok(created).spec)).toEqual(restSpec);

    const replaced = await asA.call<NamedMessage>('ClusterService', 'ReplaceCluster', {
      name: 'web',
      spec: toStruct({ lbPolicy: 'RING_HASH', endpoints: [{ address: '10.0.0.2', port: 9090 }] }),
    });
    expect(fromStruct(ok(replaced).spec)).toMatchObject({ lbPolicy: 'RING_HASH' });
    const endpoints = await asA.call<NamedMessage>('ClusterService', 'ReplaceClusterEndpoints', {
      name: 'web',
      endpoints: [toStruct({ address: '10.0.0.3', port: 7070, weight: 3 })],
    });
    expect(fromStruct(ok(endpoints).spec)['endpoints']).toEqual([
      expect.objectContaining({ address: '10.0.0.3', port: 7070, weight: 3 }),
    ]);
    const got = ok(await asA.call<NamedMessage>('ClusterService', 'GetCluster', { name: 'web' }));
    // Optimistic concurrency as over REST: the etag in the message, `if-match` in the metadata.
    expect(got.etag).not.toBe('');
    const stale = await asA.call(
      'ClusterService',
      'ReplaceCluster',
      { name: 'web', spec: toStruct({ lbPolicy: 'RANDOM' }) },
      { 'if-match': '"999"' },
    );
    expectStatus(stale, status.ABORTED, /If-Match/);
    ok(
      await asA.call(
        'ClusterService',
        'ReplaceCluster',
        { name: 'web', spec: toStruct(fromStruct(got.spec)) },
        { 'if-match': got.etag },
      ),
    );
    expect(fromStruct(got.spec)).toMatchObject({ lbPolicy: 'RING_HASH', endpoints: [{ port: 7070 }] });

    ok(
      await asA.call('RouteConfigurationService', 'CreateRouteConfiguration', {
        name: 'web-routes',
        spec: toStruct(routesTo('web')),
      }),
    );
    ok(
      await asA.call('ListenerService', 'CreateListener', {
        name: 'web',
        spec: toStruct({ routeConfigName: 'web-routes' }),
      }),
    );
    const listeners = ok(await asA.call<{ items: NamedMessage[] }>('ListenerService', 'ListListeners', {}));
    expect(listeners.items.map((l) => [l.name, fromStruct(l.spec)['routeConfigName']])).toEqual([
      ['web', 'web-routes'],
    ]);
    // Still referenced: refused, as over REST.
    expectStatus(
      await asA.call('ClusterService', 'DeleteCluster', { name: 'web' }),
      status.FAILED_PRECONDITION,
      /web-routes/,
    );

    // Idempotency-Key as over REST: a repeated create answers the first result and writes nothing.
    const register = () =>
      asA.call<ProxyMessage>(
        'ProxyService',
        'CreateProxy',
        { nodeId: 'edge-1', labels: { app: 'web' } },
        { 'idempotency-key': 'grpc-create-edge-1' },
      );
    const proxy = ok(await register());
    const replayed = await register();
    expect(ok(replayed).id).toBe(proxy.id);
    expect(replayed.metadata.get('idempotent-replayed')).toEqual(['true']);
    expect(proxy).toMatchObject({ nodeId: 'edge-1', labels: { app: 'web' } });
    expect(ok(await asA.call<ProxyMessage>('ProxyService', 'GetProxy', { id: proxy.id })).nodeId).toBe(
      'edge-1',
    );
    const proxies = ok(await asA.call<{ items: ProxyMessage[] }>('ProxyService', 'ListProxies', {}));
    expect(proxies.items.map((p) => p.id)).toEqual([proxy.id]);

    ok(await asA.call('ProxyService', 'DeleteProxy', { id: proxy.id }));
    ok(await asA.call('ListenerService', 'DeleteListener', { name: 'web' }));
    ok(await asA.call('RouteConfigurationService', 'DeleteRouteConfiguration', { name: 'web-routes' }));
    ok(await asA.call('ClusterService', 'DeleteCluster', { name: 'web' }));
    expectStatus(await asA.call('ClusterService', 'GetCluster', { name: 'web' }), status.NOT_FOUND);
    expect((await a.owner.get<{ items: unknown[] }>('/v1/clusters')).body.items).toEqual([]);
  });

  it('refuses calls without valid credentials (UNAUTHENTICATED) and writes beyond the role (PERMISSION_DENIED)', async () => {
    const anonymous = asA.as(undefined);
    const forged = asA.as('Bearer not-a-token');
    expectStatus(await anonymous.call('ClusterService', 'ListClusters', {}), status.UNAUTHENTICATED);
    expectStatus(await forged.call('ClusterService', 'ListClusters', {}), status.UNAUTHENTICATED);
    anonymous.close();
    forged.close();

    // An API key works as the credential itself, with its own roles.
    const viewerKey = await createApiKey(a.owner, 'grpc-viewer', ['viewer']);
    const viewer = asA.as(`Bearer ${viewerKey.key}`);
    expect(ok(await viewer.call<{ items: unknown[] }>('ClusterService', 'ListClusters', {})).items).toEqual(
      [],
    );
    expectStatus(
      await viewer.call('ClusterService', 'CreateCluster', { name: 'nope', spec: toStruct({}) }),
      status.PERMISSION_DENIED,
    );
    expect((await a.owner.delete(`/v1/api-keys/${viewerKey.id}`)).status).toBeLessThan(300);
    expectStatus(await viewer.call('ClusterService', 'ListClusters', {}), status.UNAUTHENTICATED, /revoked/);
    viewer.close();
    expect((await a.owner.get<{ items: unknown[] }>('/v1/clusters')).body.items).toEqual([]);
  });

  it('answers INVALID_ARGUMENT naming the field as the proto names it, and writes nothing', async () => {
    expectStatus(
      await asA.call('ClusterService', 'CreateCluster', {
        name: 'bad',
        spec: toStruct({ endpoints: [{ address: '10.0.0.1', port: 70000 }] }),
      }),
      status.INVALID_ARGUMENT,
      /^spec\.endpoints\[0\]\.port: /,
    );
    expectStatus(
      await asA.call('ClusterService', 'CreateCluster', { name: 'bad', spec: toStruct({ bogus: 1 }) }),
      status.INVALID_ARGUMENT,
      /spec\.bogus/,
    );
    expectStatus(
      await asA.call('ClusterService', 'CreateCluster', { name: 'Not A Name!', spec: toStruct({}) }),
      status.INVALID_ARGUMENT,
      /^name: /,
    );
    expectStatus(
      await asA.call('ClusterService', 'CreateCluster', { name: 'bad', spec: toStruct({ name: 'other' }) }),
      status.INVALID_ARGUMENT,
      /^spec\.name: /,
    );
    expectStatus(
      await asA.call('ProxyService', 'CreateProxy', { nodeId: 'has spaces', labels: {} }),
      status.INVALID_ARGUMENT,
      /^node_id: /,
    );
    expectStatus(
      await asA.call('ClusterService', 'GetCluster', { name: '' }),
      status.INVALID_ARGUMENT,
      /^name: /,
    );
    // A route to a cluster that does not exist: refused before anything is stored.
    const dangling = await asA.call('RouteConfigurationService', 'CreateRouteConfiguration', {
      name: 'dangling',
      spec: toStruct(routesTo('missing')),
    });
    expect(dangling.error?.details).toMatch(/^spec\.virtualHosts\[0\]\.routes\[0\]\.action\.cluster/);
    expect([status.FAILED_PRECONDITION, status.INVALID_ARGUMENT]).toContain(dangling.error?.code);

    expect((await a.owner.get<{ items: unknown[] }>('/v1/clusters')).body.items).toEqual([]);
    expect((await a.owner.get<{ items: unknown[] }>('/v1/route-configurations')).body.items).toEqual([]);
    expect((await a.owner.get<{ items: unknown[] }>('/v1/proxies')).body.items).toEqual([]);
  });

  it('pages, filters and sorts lists as REST does, and names a bad list option', async () => {
    for (const name of ['page-a', 'page-b', 'other']) {
      ok(await asA.call('ClusterService', 'CreateCluster', { name, spec: toStruct({}) }));
    }
    const list = (options: Record<string, unknown>) =>
      asA.call<{ items: NamedMessage[]; nextPageToken: string }>('ClusterService', 'ListClusters', {
        options,
      });
    const first = ok(await list({ pageSize: 1, namePrefix: 'page-', sort: '-name' }));
    expect(first.items.map((c) => c.name)).toEqual(['page-b']);
    expect(first.nextPageToken).not.toBe('');
    const second = ok(
      await list({ pageSize: 1, namePrefix: 'page-', sort: '-name', pageToken: first.nextPageToken }),
    );
    expect(second.items.map((c) => c.name)).toEqual(['page-a']);
    expectStatus(await list({ sort: 'sideways' }), status.INVALID_ARGUMENT, /^options\.sort: /);
    for (const name of ['page-a', 'page-b', 'other'])
      ok(await asA.call('ClusterService', 'DeleteCluster', { name }));
  });

  it("answers NOT_FOUND for another tenant's objects, exactly as for names that do not exist", async () => {
    ok(
      await asA.call('ClusterService', 'CreateCluster', {
        name: 'private',
        spec: toStruct({ endpoints: [{ address: '10.9.9.9', port: 443 }] }),
      }),
    );
    const proxy = ok(
      await asA.call<ProxyMessage>('ProxyService', 'CreateProxy', { nodeId: 'a-only', labels: {} }),
    );
    const before = ok(await asA.call<NamedMessage>('ClusterService', 'GetCluster', { name: 'private' }));

    const missing = await asB.call('ClusterService', 'GetCluster', { name: 'no-such-cluster' });
    expectStatus(missing, status.NOT_FOUND);
    const attempts = [
      await asB.call('ClusterService', 'GetCluster', { name: 'private' }),
      await asB.call('ClusterService', 'ReplaceCluster', { name: 'private', spec: toStruct({}) }),
      await asB.call('ClusterService', 'ReplaceClusterEndpoints', { name: 'private', endpoints: [] }),
      await asB.call('ClusterService', 'DeleteCluster', { name: 'private' }),
      await asB.call('ProxyService', 'GetProxy', { id: proxy.id }),
      await asB.call('ProxyService', 'DeleteProxy', { id: proxy.id }),
    ];
    for (const attempt of attempts) expectStatus(attempt, status.NOT_FOUND);
    // The same words as for a name that does not exist, with the name swapped.
    expect(attempts[0].error?.details).toBe(missing.error?.details?.replace('no-such-cluster', 'private'));
    expect(ok(await asB.call<{ items: unknown[] }>('ClusterService', 'ListClusters', {})).items).toEqual([]);
    expect(ok(await asB.call<{ items: unknown[] }>('ProxyService', 'ListProxies', {})).items).toEqual([]);

    const after = ok(await asA.call<NamedMessage>('ClusterService', 'GetCluster', { name: 'private' }));
    expect(after).toEqual(before);
    expect(ok(await asA.call<ProxyMessage>('ProxyService', 'GetProxy', { id: proxy.id })).nodeId).toBe(
      'a-only',
    );
  });
});

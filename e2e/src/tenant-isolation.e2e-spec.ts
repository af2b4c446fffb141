import { ApiClient } from '../support/api-client';
import { ADMIN, Fleet } from '../support/fleet';
import { expectProblem } from '../support/problems';
import { RowCounter } from '../support/row-counts';
import { createApiKey, exchangeApiKey } from '../support/tokens';

interface Named {
  id?: string;
  name?: string;
  nodeId?: string;
}

const routesTo = (cluster: string) => ({
  virtualHosts: [{ name: 'web', domains: ['*'], routes: [{ match: { prefix: '/' }, action: { cluster } }] }],
});

describe("A tenant cannot see or touch another tenant's objects", () => {
  let fleet: Fleet;
  let rows: RowCounter;
  let a: { tenantId: string; owner: ApiClient };
  let b: { tenantId: string; owner: ApiClient };
  let aProxyId: string;
  let aKey: { id: string; key: string };
  let aWebhookId: string;
  /** A's objects as A reads them, by path: each must look the same after B's attempts. */
  let aPaths: string[];
  const snapshotOfA = async () => Promise.all(aPaths.map(async (path) => (await a.owner.get(path)).body));
  let aBefore: unknown[];

  beforeAll(async () => {
    fleet = await Fleet.start();
    rows = await RowCounter.connect(fleet.database.adminUrl);
    [a, b] = [await fleet.tenantOwner('tenant-a'), await fleet.tenantOwner('tenant-b')];
    const created = await Promise.all([
      a.owner.post('/v1/clusters', { name: 'web', endpoints: [{ address: '10.0.0.1', port: 8080 }] }),
      a.owner.post<{ id: string }>('/v1/proxies', { nodeId: 'a-node' }),
    ]);
    expect(created.map((r) => r.status)).toEqual([201, 201]);
    aProxyId = created[1].body.id;
    expect(
      (await a.owner.post('/v1/route-configurations', { name: 'web-routes', ...routesTo('web') })).status,
    ).toBe(201);
    expect((await a.owner.post('/v1/listeners', { name: 'web', routeConfigName: 'web-routes' })).status).toBe(
      201,
    );
    aKey = await createApiKey(a.owner, 'a-deploy-bot', ['editor']);
    const hook = {
      name: 'a-hook',
      kind: 'http',
      url: 'https://hooks.example.com/in',
      eventTypes: ['config.*'],
    };
    const webhook = await a.owner.post<{ id: string }>('/v1/webhooks', hook);
    expect(webhook.status).toBe(201);
    aWebhookId = webhook.body.id;
    aPaths = [
      `/v1/webhooks/${aWebhookId}`,
      `/v1/webhooks/${aWebhookId}/deliveries`,
      '/v1/clusters/web',
      '/v1/route-configurations/web-routes',
      '/v1/listeners/web',
      `/v1/proxies/${aProxyId}`,
    ];
    aBefore = await snapshotOfA();
  }, 60_000);

  afterAll(async () => {
    await rows?.close();
    await fleet?.stop();
  });

  it("B's owner reading A's objects gets 404 (not 403)", async () => {
    for (const path of aPaths) expectProblem(await b.owner.get(path), 404);
    expectProblem(await b.owner.get(`/v1/tenants/${a.tenantId}`), 404);
  });

  it("A's objects are absent from B's lists, and present in A's", async () => {
    const names = async (owner: ApiClient, path: string) =>
      (await owner.get<{ items: Named[] }>(path)).body.items.map((item) => item.nodeId ?? item.name);
    const lists = [
      '/v1/clusters',
      '/v1/route-configurations',
      '/v1/listeners',
      '/v1/proxies',
      '/v1/api-keys',
      '/v1/webhooks',
    ];
    const ofA = await Promise.all(lists.map((path) => names(a.owner, path)));
    const ofB = await Promise.all(lists.map((path) => names(b.owner, path)));
    expect(ofA).toEqual([['web'], ['web-routes'], ['web'], ['a-node'], ['a-deploy-bot'], ['a-hook']]);
    expect(ofB).toEqual([[], [], [], [], [], []]);
  });

  it("B's owner can neither change nor delete A's objects: 404, and nothing is written", async () => {
    const attempts = [
      () => b.owner.put('/v1/clusters/web', { endpoints: [{ address: '6.6.6.6', port: 666 }] }),
      () => b.owner.put('/v1/clusters/web/endpoints', { endpoints: [{ address: '6.6.6.6', port: 666 }] }),
      () => b.owner.put('/v1/route-configurations/web-routes', routesTo('web')),
      () => b.owner.put('/v1/listeners/web', { routeConfigName: 'web-routes' }),
      () => b.owner.delete('/v1/listeners/web'),
      () => b.owner.delete('/v1/route-configurations/web-routes'),
      () => b.owner.delete('/v1/clusters/web'),
      () => b.owner.delete(`/v1/proxies/${aProxyId}`),
      () => b.owner.delete(`/v1/api-keys/${aKey.id}`),
      () => b.owner.request('PATCH', `/v1/webhooks/${aWebhookId}`, { active: false }),
      () => b.owner.post(`/v1/webhooks/${aWebhookId}/test`, {}),
      () => b.owner.post(`/v1/webhooks/${aWebhookId}/deliveries/${aWebhookId}/redeliver`, {}),
      () => b.owner.delete(`/v1/webhooks/${aWebhookId}`),
    ];
    for (const attempt of attempts) {
      const { result, added } = await rows.delta(attempt);
      expectProblem(result, 404);
      expect(added).toEqual({});
    }
    expect(await snapshotOfA()).toEqual(aBefore);
    expect((await exchangeApiKey(fleet.client(), aKey.key)).status).toBe(200);
  });

  it("B may use the same names as A (names are per tenant) without touching A's objects", async () => {
    const endpoints = [{ address: '10.9.9.9', port: 9090 }];
    expect((await b.owner.post('/v1/clusters', { name: 'web', endpoints })).status).toBe(201);
    expect(
      (await b.owner.post('/v1/route-configurations', { name: 'web-routes', ...routesTo('web') })).status,
    ).toBe(201);
    expect((await b.owner.post('/v1/listeners', { name: 'web', routeConfigName: 'web-routes' })).status).toBe(
      201,
    );
    expect((await b.owner.post('/v1/api-keys', { name: 'a-deploy-bot', roles: ['viewer'] })).status).toBe(
      201,
    );
    expect((await b.owner.get('/v1/clusters/web')).body).toMatchObject({
      endpoints: [{ address: '10.9.9.9', port: 9090 }],
    });
    expect((await a.owner.get('/v1/clusters/web')).body).toMatchObject({
      endpoints: [{ address: '10.0.0.1', port: 8080 }],
    });
    expect(await snapshotOfA()).toEqual(aBefore);
  });

  it("B deleting its own same-named objects leaves A's in place", async () => {
    expect((await b.owner.delete('/v1/listeners/web')).status).toBe(204);
    expect((await b.owner.delete('/v1/route-configurations/web-routes')).status).toBe(204);
    expect((await b.owner.delete('/v1/clusters/web')).status).toBe(204);
    expect(await snapshotOfA()).toEqual(aBefore);
  });

  it("a proxy node id is unique per tenant only: B registering A's node id gets its own proxy (201), learning nothing of A's", async () => {
    const aProxies = (await a.owner.get('/v1/proxies')).body;
    const registered = await b.owner.post<{ id: string }>('/v1/proxies', { nodeId: 'a-node' });
    expect(registered.status).toBe(201);
    const listed = await b.owner.get<{ items: { id: string }[] }>('/v1/proxies');
    expect(listed.body.items.map((proxy) => proxy.id)).toEqual([registered.body.id]);
    expect((await a.owner.get('/v1/proxies')).body).toEqual(aProxies);
    expect((await b.owner.delete(`/v1/proxies/${registered.body.id}`)).status).toBe(204);
  });

  it('an owner reads its own tenant, and only the platform admin lists tenants', async () => {
    expect((await b.owner.get(`/v1/tenants/${b.tenantId}`)).body).toMatchObject({
      id: b.tenantId,
      name: 'tenant-b',
    });
    expectProblem(await b.owner.get('/v1/tenants'), 403);
    expectProblem(await a.owner.get('/v1/tenants'), 403);
    const admin = await fleet.client().login(ADMIN.email, ADMIN.password);
    // A page of tenants, like every collection: filtered by name prefix, one page holds both.
    const listed = await admin.get<{ items: { name: string }[]; nextCursor: string | null }>(
      '/v1/tenants?name=tenant-',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((t) => t.name)).toEqual(expect.arrayContaining(['tenant-a', 'tenant-b']));
    expect(listed.body.nextCursor).toBeNull();
  });
});

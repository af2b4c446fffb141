import { TenantQuotasService } from '../src/quotas/tenant-quotas.service';
import { ApiReplicas } from './api-replicas';
import { TestClient } from './support/api-test-app';

const cluster = (name: string) => ({ name, endpoints: [{ address: '127.0.0.1', port: 8080 }] });

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(30_000);

describe(TenantQuotasService.name, () => {
  let api: ApiReplicas;
  let admin: TestClient;

  beforeAll(async () => {
    // Two replicas on one database, one NATS and one Redis.
    api = await ApiReplicas.start(2);
    admin = await api.admin();
  }, 90_000);

  afterAll(() => api?.stop());

  it('lets a platform admin set a tenant quota, and refuses one object past it with 429 and Retry-After', async () => {
    const { tenantId, token } = await api.tenantOwner('capped');
    const owner = api.client().withToken(token);
    const set = await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, { clusters: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ tenantId, overrides: { clusters: 2 }, limits: { clusters: 2 } });

    expect((await owner.post('/v1/clusters', cluster('one'))).status).toBe(201);
    expect((await owner.post('/v1/clusters', cluster('two'))).status).toBe(201);
    const refused = await owner.post('/v1/clusters', cluster('three'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await owner.get<{ items: unknown[] }>('/v1/clusters')).body.items).toHaveLength(2);

    const view = await owner.get(`/v1/tenants/${tenantId}/quotas`);
    expect(view.body).toMatchObject({ limits: { clusters: 2 }, usage: { clusters: 2 } });
    // Back to the default: the quota left out of the PUT.
    await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, {});
    expect((await owner.post('/v1/clusters', cluster('three'))).status).toBe(201);
  });

  it('holds an object quota against concurrent creates on two replicas', async () => {
    const { tenantId, token } = await api.tenantOwner('racing');
    await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, { proxies: 3 });
    const creates = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api
          .client(i % 2)
          .withToken(token)
          .post('/v1/proxies', { nodeId: `racing-${tenantId}-${i}` }),
      ),
    );
    expect(creates.map((c) => c.status).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
  });

  it('counts requests per second in Redis, so two replicas share one limit', async () => {
    const { tenantId, token } = await api.tenantOwner('chatty');
    await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, { requestsPerSecond: 5 });
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api
          .client(i % 2)
          .withToken(token)
          .get('/v1/clusters'),
      ),
    );
    const ok = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 429);
    // Alone, each replica would let 5 through (10 in all); sharing the count, both let 5 through.
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(7);
    expect(refused[0].headers.get('retry-after')).toBe('1');
    expect(refused[0].body).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(ok[0].headers.get('ratelimit-limit')).toBe('5');

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await api.client(1).withToken(token).get('/v1/clusters')).status).toBe(200);
  });

  it('lets only platform admins set quotas, and tenants read only their own', async () => {
    const a = await api.tenantOwner('reader-a');
    const b = await api.tenantOwner('reader-b');
    const owner = api.client().withToken(a.token);
    expect((await owner.request('PUT', `/v1/tenants/${a.tenantId}/quotas`, { clusters: 1000 })).status).toBe(
      403,
    );
    expect((await owner.get(`/v1/tenants/${a.tenantId}/quotas`)).status).toBe(200);
    expect((await owner.get(`/v1/tenants/${b.tenantId}/quotas`)).status).toBe(404);
    const bad = await admin.request('PUT', `/v1/tenants/${a.tenantId}/quotas`, { clusters: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('clusters');
  });
});

import { ApiTestApp, TestClient } from './support/api-test-app';
import {
  certificates,
  createCluster,
  createEdgeListener,
  createSecrets,
  createSiteRoutes,
} from './support/config-model-fixtures';

// GETs of one config object are answered before Nest's router (serveCachedReads with
// directReads), here with the read cache off so every read is a direct read. They must answer
// exactly as the handlers behind them do.
jest.setTimeout(30_000);

const OBJECTS = [
  '/v1/clusters/web',
  '/v1/listeners/edge',
  '/v1/route-configurations/site-routes',
  '/v1/secrets/site-cert',
];

describe('GETs of one config object without the read cache', () => {
  let api: ApiTestApp;
  let tenantId: string;
  let owner: TestClient;
  let other: TestClient;

  beforeAll(async () => {
    api = await ApiTestApp.start({ READ_CACHE_TTL_MS: '0' });
    ({ tenantId, owner } = await api.tenantOwner('direct'));
    other = (await api.tenantOwner('elsewhere')).owner;
    await createSecrets(owner, certificates());
    await createCluster(owner, 'web');
    await createSiteRoutes(owner);
    await createEdgeListener(owner);
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
  });

  it.each(OBJECTS)(
    'GET %s answers as the list shows it, with its ETag, and 304 when unchanged',
    async (path) => {
      const read = await owner.get<{ revision: number }>(path);
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(read.headers.get('etag')).toBe(`"${read.body.revision}"`);
      expect(read.headers.get('x-request-id')).toBeTruthy();
      expect(read.headers.get('ratelimit-limit')).toBeTruthy();
      expect(read.headers.get('x-fleet-cache')).toBeNull();
      // The same object as the list shows it, where Nest's handler answers.
      const collection = path.slice(0, path.lastIndexOf('/'));
      const listed = await owner.get<{ items: { name: string }[] }>(`${collection}?limit=100`);
      const name = path.slice(path.lastIndexOf('/') + 1);
      expect(listed.body.items.find((item) => item.name === name)).toEqual(read.body);

      const unchanged = await owner.get(path, { 'if-none-match': read.headers.get('etag') ?? '' });
      expect(unchanged.status).toBe(304);
      expect(unchanged.body).toBeUndefined();
    },
  );

  it("answers a missing name, and another tenant's, with the same 404 problem", async () => {
    for (const path of OBJECTS) {
      const missing = await owner.get<{ status: number; detail: string }>(`${path}-missing`);
      const theirs = await other.get<{ status: number; detail: string }>(path);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(theirs.status).toBe(404);
      expect(theirs.body.detail).toBe(missing.body.detail.replace('-missing', ''));
    }
  });

  it('needs a valid token, and lets a viewer read', async () => {
    expect((await api.client().get(OBJECTS[0] ?? '')).status).toBe(401);
    expect(
      (
        await api
          .client()
          .withToken('not-a-token')
          .get(OBJECTS[0] ?? '')
      ).status,
    ).toBe(401);
    const key = await owner.post<{ key: string }>('/v1/api-keys', { name: 'reader', roles: ['viewer'] });
    const viewer = api.client().withToken(key.body.key);
    for (const path of OBJECTS) expect((await viewer.get(path)).status).toBe(200);
  });

  it("counts direct reads against the tenant's request rate and refuses them past it", async () => {
    const admin = await api.admin();
    expect(
      (await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, { requestsPerSecond: 3 })).status,
    ).toBe(200);
    // A fresh one-second window, so the reads above do not count against the new limit.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const replies = await Promise.all(Array.from({ length: 6 }, () => owner.get(OBJECTS[0] ?? '')));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, {});
  });
});

import { JetStreamEventBus, Subjects } from '@envoy-fleet/messaging';
import { pollUntil } from '@envoy-fleet/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ReadCacheInterceptor } from '../src/read-cache/read-cache.interceptor';
import { ApiReplicas } from './api-replicas';
import { TestClient } from './support/api-test-app';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const cluster = (port: number) => ({ endpoints: [{ address: '127.0.0.1', port }] });
type Cluster = { endpoints: { port: number }[]; connectTimeoutMs: number };

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(30_000);

describe(ReadCacheInterceptor.name, () => {
  let api: ApiReplicas;
  let tenantId: string;
  let onFirst: TestClient;
  let onSecond: TestClient;
  let bus: JetStreamEventBus;
  const versionsSeen = new Set<number>();

  /** Waits until the write's own event went by, so it cannot retire what the test caches next. */
  async function settled(write: { headers: Headers }): Promise<void> {
    const version = Number(write.headers.get('x-fleet-config-version'));
    await pollUntil(async () => versionsSeen.has(version), Boolean, { timeoutMs: 5000, intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  beforeAll(async () => {
    api = await ApiReplicas.start(2);
    const owner = await api.tenantOwner('cached');
    tenantId = owner.tenantId;
    onFirst = api.client(0).withToken(owner.token);
    onSecond = api.client(1).withToken(owner.token);
    bus = await JetStreamEventBus.connect(NATS_URL, 'read-cache-test');
    await bus.subscribe<{ version: number }>({ subject: Subjects.configUpdated(tenantId) }, async (event) => {
      versionsSeen.add(event.payload.version);
    });
  }, 90_000);

  afterAll(async () => {
    await bus?.close();
    await api?.stop();
  });

  it('serves a repeated GET from the cache, then a write through another replica retires it', async () => {
    await settled(await onFirst.post('/v1/clusters', { name: 'hot', ...cluster(8001) }));
    const miss = await onFirst.get<Cluster>('/v1/clusters/hot');
    expect(miss.headers.get('x-fleet-cache')).toBe('miss');
    const hit = await onFirst.get<Cluster>('/v1/clusters/hot');
    expect(hit.headers.get('x-fleet-cache')).toBe('hit');
    expect(hit.body).toEqual(miss.body);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('content-type')).toContain('application/json');

    const written = await onSecond.request('PUT', '/v1/clusters/hot', cluster(8002));
    expect(written.status).toBe(200);
    const after = await onFirst.get<Cluster>('/v1/clusters/hot');
    expect(after.headers.get('x-fleet-cache')).toBe('miss');
    expect(after.body.endpoints.map((e) => e.port)).toEqual([8002]);
    expect(after.headers.get('etag')).toBe(written.headers.get('etag'));
  });

  it("keeps lists cached too, and retires them with the tenant's writes", async () => {
    await settled(await onSecond.post('/v1/clusters', { name: 'first', ...cluster(8003) }));
    await onFirst.get('/v1/clusters');
    expect((await onFirst.get('/v1/clusters')).headers.get('x-fleet-cache')).toBe('hit');
    await onSecond.post('/v1/clusters', { name: 'listed', ...cluster(8003) });
    const list = await onFirst.get<{ items: { name: string }[] }>('/v1/clusters');
    expect(list.body.items.map((c) => c.name)).toContain('listed');
  });

  it("keeps a cached read per tenant and per caller's roles", async () => {
    const key = await onFirst.post<{ key: string }>('/v1/api-keys', {
      name: 'viewer-key',
      roles: ['viewer'],
    });
    const token = await api
      .client()
      .post<{ accessToken: string }>('/v1/auth/token', { apiKey: key.body.key });
    const viewer = api.client(0).withToken(token.body.accessToken);
    await settled(await onFirst.post('/v1/clusters', { name: 'shared-view', ...cluster(8005) }));
    await onFirst.get('/v1/clusters/shared-view');
    expect((await onFirst.get('/v1/clusters/shared-view')).headers.get('x-fleet-cache')).toBe('hit');
    // The viewer's view is kept apart from the owner's, though the URL is the same.
    expect((await viewer.get('/v1/clusters/shared-view')).headers.get('x-fleet-cache')).toBe('miss');
    expect((await viewer.get('/v1/clusters/shared-view')).headers.get('x-fleet-cache')).toBe('hit');
    // Another tenant with the same URL finds nothing of this one's.
    const other = api.client(0).withToken((await api.tenantOwner('uncached')).token);
    expect((await other.get('/v1/clusters/shared-view')).status).toBe(404);
  });

  it("counts cache hits against the tenant's request rate and refuses them past it", async () => {
    const { tenantId, token } = await api.tenantOwner('counted');
    const owner = api.client(0).withToken(token);
    await settled(await owner.post('/v1/clusters', { name: 'counted', ...cluster(8006) }));
    await owner.get('/v1/clusters/counted');
    expect((await owner.get('/v1/clusters/counted')).headers.get('x-fleet-cache')).toBe('hit');
    const admin = await api.admin();
    expect(
      (await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, { requestsPerSecond: 3 })).status,
    ).toBe(200);
    // A fresh one-second window, so the reads above do not count against the new limit.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const replies = await Promise.all(Array.from({ length: 6 }, () => owner.get('/v1/clusters/counted')));
    const ok = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 429);
    expect(ok).toHaveLength(3);
    expect(ok.map((r) => r.headers.get('x-fleet-cache'))).toEqual(['hit', 'hit', 'hit']);
    expect(ok[0].headers.get('ratelimit-limit')).toBe('3');
    expect(refused).toHaveLength(3);
    expect(refused[0].body).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
  });

  it('retires cached reads when fleet.config.updated arrives for a write it did not see', async () => {
    await settled(await onFirst.post('/v1/clusters', { name: 'external', ...cluster(8004) }));
    await onFirst.get('/v1/clusters/external');
    expect((await onFirst.get('/v1/clusters/external')).headers.get('x-fleet-cache')).toBe('hit');

    // A change made beside the API (as a restore or another writer would): the cache still has the old one...
    const sql = new Client({ connectionString: api.database.adminUrl });
    await sql.connect();
    await sql.query(
      `UPDATE clusters SET connect_timeout_ms = 4321 WHERE tenant_id = $1 AND name = 'external'`,
      [tenantId],
    );
    await sql.end();
    expect((await onFirst.get<Cluster>('/v1/clusters/external')).body.connectTimeoutMs).not.toBe(4321);

    // ...until the tenant's config event arrives on NATS.
    const event = {
      tenantId,
      version: 999,
      actor: 'test',
      changes: [],
      occurredAt: new Date().toISOString(),
    };
    await bus.publish(Subjects.configUpdated(tenantId), event, randomUUID());
    const fresh = await pollUntil(
      () => onFirst.get<Cluster>('/v1/clusters/external'),
      (response) => response.body.connectTimeoutMs === 4321,
      { timeoutMs: 5000, intervalMs: 50 },
    );
    expect(fresh.body.connectTimeoutMs).toBe(4321);
  });
});

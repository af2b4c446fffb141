import { ApiTestApp, TestClient, TestResponse } from './support/api-test-app';

const cluster = (name: string, port = 8080) => ({ name, endpoints: [{ address: '10.0.0.1', port }] });

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(60_000);

/** The writes-per-transaction histogram's count and sum, from /metrics. */
async function writeGroups(client: TestClient): Promise<{ transactions: number; writes: number }> {
  const text = (await client.get<string>('/metrics')).body;
  const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    transactions: value('fleet_api_writes_per_transaction_count'),
    writes: value('fleet_api_writes_per_transaction_sum'),
  };
}

const statuses = (responses: TestResponse<unknown>[]) => responses.map((r) => r.status).sort();

// Writes of one tenant that arrive while its previous transaction runs commit together in the
// next one; each must still answer as if it had come alone.
describe('concurrent writes of one tenant (group commit)', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await ApiTestApp.start();
  }, 90_000);

  afterAll(() => api?.stop());

  it('commits concurrent creates in fewer transactions, each with its own version, audit entry and request id', async () => {
    const { owner } = await api.tenantOwner('grouped');
    const before = await writeGroups(owner);
    const creates = await Promise.all(
      Array.from({ length: 24 }, (_, i) => owner.post(`/v1/clusters`, cluster(`c${i}`, 8000 + i))),
    );
    expect(statuses(creates)).toEqual(Array(24).fill(201));
    const versions = creates.map((r) => Number(r.headers.get('x-fleet-config-version')));
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    creates.forEach((r, i) =>
      expect(r.body).toMatchObject({ name: `c${i}`, endpoints: [{ port: 8000 + i }] }),
    );

    const after = await writeGroups(owner);
    expect(after.writes - before.writes).toBe(24);
    // Some of the 24 shared a transaction (the first one runs alone; the rest queue behind it).
    expect(after.transactions - before.transactions).toBeLessThan(24);

    const audit = await owner.get<{ items: { name: string; requestId?: string }[] }>(
      '/v1/audit?kind=cluster&limit=100',
    );
    const requestOf = new Map(audit.body.items.map((entry) => [entry.name, entry.requestId]));
    creates.forEach((r, i) => expect(requestOf.get(`c${i}`)).toBe(r.headers.get('x-request-id')));
    const listed = await owner.get<{ items: { name: string }[] }>('/v1/clusters?limit=100');
    expect(listed.body.items).toHaveLength(24);
  });

  it('fails only the write that fails when it shares a transaction, and writes nothing of it', async () => {
    const { owner } = await api.tenantOwner('one-bad');
    expect((await owner.post('/v1/clusters', cluster('taken'))).status).toBe(201);
    const names = ['a', 'taken', 'b', 'c', 'taken', 'd', 'e', 'f'];
    const creates = await Promise.all(names.map((name) => owner.post('/v1/clusters', cluster(name, 9000))));
    names.forEach((name, i) => expect(creates[i].status).toBe(name === 'taken' ? 409 : 201));
    const listed = await owner.get<{ items: { name: string; endpoints: { port: number }[] }[] }>(
      '/v1/clusters',
    );
    expect(listed.body.items.map((c) => c.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'taken']);
    expect(listed.body.items.find((c) => c.name === 'taken')?.endpoints[0].port).toBe(8080);
    const audit = await owner.get<{ items: { name: string }[] }>('/v1/audit?kind=cluster&limit=100');
    expect(audit.body.items.filter((entry) => entry.name === 'taken')).toHaveLength(1);
    const versions = creates
      .filter((r) => r.status === 201)
      .map((r) => Number(r.headers.get('x-fleet-config-version')));
    expect(versions.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('holds the object quota when creates past it share a transaction', async () => {
    const { tenantId, owner } = await api.tenantOwner('grouped-quota');
    const admin = await api.admin();
    expect((await admin.request('PUT', `/v1/tenants/${tenantId}/quotas`, { clusters: 5 })).status).toBe(200);
    const creates = await Promise.all(
      Array.from({ length: 12 }, (_, i) => owner.post('/v1/clusters', cluster(`q${i}`))),
    );
    expect(statuses(creates)).toEqual([...Array(5).fill(201), ...Array(7).fill(429)]);
    expect((await owner.get<{ items: unknown[] }>('/v1/clusters')).body.items).toHaveLength(5);
  });

  it('answers each write of a mixed group as alone: creates, a stale update, a delete, a proxy', async () => {
    const { owner } = await api.tenantOwner('grouped-mixed');
    expect((await owner.post('/v1/clusters', cluster('kept'))).status).toBe(201);
    expect((await owner.post('/v1/clusters', cluster('gone'))).status).toBe(201);
    const [first, stale, deleted, proxy, second] = await Promise.all([
      owner.post('/v1/clusters', cluster('new', 8001)),
      owner.put(
        '/v1/clusters/kept',
        { endpoints: [{ address: '10.0.0.9', port: 9 }] },
        { 'if-match': '"99"' },
      ),
      owner.request('DELETE', '/v1/clusters/gone'),
      owner.post('/v1/proxies', { nodeId: 'edge-1' }),
      owner.post('/v1/clusters', cluster('new', 8002)),
    ]);
    expect([stale.status, deleted.status, proxy.status]).toEqual([412, 204, 201]);
    // The two creates of one name: whichever came first is created, the other is refused.
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const winner = first.status === 201 ? 8001 : 8002;
    const listed = await owner.get<{ items: { name: string; endpoints: { port: number }[] }[] }>(
      '/v1/clusters',
    );
    const stored = listed.body.items.map((c) => `${c.name}:${c.endpoints[0].port}`).sort();
    expect(stored).toEqual(['kept:8080', `new:${winner}`]);
    expect((await owner.get<{ items: unknown[] }>('/v1/proxies')).body.items).toHaveLength(1);
  });

  it('checks If-Match of updates that share a transaction against the revision each finds', async () => {
    const { owner } = await api.tenantOwner('grouped-etag');
    const created = await owner.post('/v1/clusters', cluster('web'));
    const etag = created.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    // Five updates all made from the same read: the first to commit wins, the rest are stale.
    const updates = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        owner.put(
          '/v1/clusters/web',
          { endpoints: [{ address: '10.0.0.1', port: 9000 + n }] },
          { 'if-match': etag },
        ),
      ),
    );
    expect(statuses(updates)).toEqual([200, 412, 412, 412, 412]);
  });
});

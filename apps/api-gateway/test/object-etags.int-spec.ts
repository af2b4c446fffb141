import { ApiTestApp, TestClient, TestResponse } from './support/api-test-app';

// Proxies, VMs, webhooks and API keys have revisions too (bumped by the database when a field
// their users set changes): an ETag on every answer that is one of them, and If-Match on writes.
jest.setTimeout(30_000);

type Revisioned = { id: string; revision: number };
const etagOf = (response: TestResponse<Revisioned>) => response.headers.get('etag');

describe('ETags and If-Match on proxies, VMs, webhooks and API keys', () => {
  let api: ApiTestApp;
  let owner: TestClient;

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('object-etags'));
  }, 60_000);

  afterAll(() => api?.stop());

  it('proxies: an ETag of the revision; a stale If-Match is 412 and writes nothing; the current one passes', async () => {
    const created = await owner.post<Revisioned>('/v1/proxies', { nodeId: 'tagged', labels: { tier: 'a' } });
    expect(created.status).toBe(201);
    expect(etagOf(created)).toBe(`"${created.body.revision}"`);
    const path = `/v1/proxies/${created.body.id}`;
    const read = await owner.get<Revisioned>(path);
    expect(etagOf(read)).toBe(etagOf(created));
    expect((await owner.get(path, { 'if-none-match': etagOf(read) ?? '' })).status).toBe(304);

    const vm = await owner.post<Revisioned>('/v1/vms', { name: 'proxy-host' });
    const moved = await owner.request<Revisioned>(
      'PATCH',
      path,
      { vmId: vm.body.id },
      { 'if-match': etagOf(read) ?? '' },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.revision).toBe(created.body.revision + 1);
    expect(etagOf(moved)).toBe(`"${moved.body.revision}"`);

    const lost = await owner.request('PATCH', path, { vmId: null }, { 'if-match': etagOf(read) ?? '' });
    expect(lost.status).toBe(412);
    expect((await owner.request('DELETE', path, undefined, { 'if-match': etagOf(read) ?? '' })).status).toBe(
      412,
    );
    const now = await owner.get<Revisioned & { vmId?: string }>(path);
    expect(now.body.vmId).toBe(vm.body.id);

    const rotated = await owner.post(`${path}/token`, {}, { 'if-match': etagOf(read) ?? '' });
    expect(rotated.status).toBe(412);
    expect((await owner.request('DELETE', path, undefined, { 'if-match': etagOf(now) ?? '' })).status).toBe(
      204,
    );
  });

  it('VMs: a heartbeat leaves the ETag alone; an agent token changes it', async () => {
    const created = await owner.post<Revisioned>('/v1/vms', { name: 'vm-tagged' });
    const path = `/v1/vms/${created.body.id}`;
    const token = await owner.post<{ token: string }>(`${path}/agent-token`, {});
    expect(token.status).toBe(201);
    const afterToken = await owner.get<Revisioned>(path);
    expect(afterToken.body.revision).toBe(created.body.revision + 1);
    expect(etagOf(afterToken)).toBe(`"${afterToken.body.revision}"`);

    const agent = api.client().withToken(token.body.token);
    expect((await agent.post('/v1/agent/heartbeat', {})).status).toBe(204);
    const afterHeartbeat = await owner.get<Revisioned & { status: string }>(path);
    expect(afterHeartbeat.body.status).toBe('online');
    expect(etagOf(afterHeartbeat)).toBe(etagOf(afterToken));

    expect(
      (await owner.request('DELETE', path, undefined, { 'if-match': etagOf(created) ?? '' })).status,
    ).toBe(412);
    expect((await owner.get(path)).status).toBe(200);
    expect(
      (await owner.request('DELETE', path, undefined, { 'if-match': etagOf(afterHeartbeat) ?? '' })).status,
    ).toBe(204);
  });

  it('webhooks: PATCH with a stale If-Match is 412 and changes nothing', async () => {
    const created = await owner.post<Revisioned>('/v1/webhooks', {
      name: 'tagged-hook',
      kind: 'http',
      url: 'https://hooks.example.com/fleet',
      eventTypes: ['config.*'],
    });
    expect(created.status).toBe(201);
    const path = `/v1/webhooks/${created.body.id}`;
    const read = await owner.get<Revisioned>(path);
    expect(etagOf(read)).toBe(`"${read.body.revision}"`);
    const paused = await owner.request<Revisioned>(
      'PATCH',
      path,
      { active: false },
      { 'if-match': etagOf(read) ?? '' },
    );
    expect(paused.status).toBe(200);
    expect(paused.body.revision).toBe(read.body.revision + 1);
    const lost = await owner.request(
      'PATCH',
      path,
      { url: 'https://elsewhere.example.com/' },
      {
        'if-match': etagOf(read) ?? '',
      },
    );
    expect(lost.status).toBe(412);
    expect((await owner.get<{ url: string }>(path)).body.url).toBe('https://hooks.example.com/fleet');
  });

  it('API keys: using a key leaves its revision alone; revoking with a stale If-Match is 412', async () => {
    const created = await owner.post<Revisioned & { key: string }>('/v1/api-keys', {
      name: 'tagged-key',
      roles: ['viewer'],
    });
    expect(created.status).toBe(201);
    expect((await api.client().get('/v1/clusters', { 'x-api-key': created.body.key })).status).toBe(200);
    const listed = await owner.get<{ items: Revisioned[] }>('/v1/api-keys?limit=100');
    expect(listed.body.items.find((key) => key.id === created.body.id)?.revision).toBe(created.body.revision);

    const path = `/v1/api-keys/${created.body.id}`;
    const read = await owner.get<Revisioned & { key?: string; secretHash?: string }>(path);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, name: 'tagged-key', roles: ['viewer'] });
    expect(read.body.key).toBeUndefined();
    expect(read.body.secretHash).toBeUndefined();
    expect(read.headers.get('etag')).toBe(`"${created.body.revision}"`);
    expect((await owner.get(path, { 'if-none-match': `"${created.body.revision}"` })).status).toBe(304);
    expect((await owner.get('/v1/api-keys/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const stale = `"${created.body.revision + 7}"`;
    expect((await owner.request('DELETE', path, undefined, { 'if-match': stale })).status).toBe(412);
    expect((await api.client().get('/v1/clusters', { 'x-api-key': created.body.key })).status).toBe(200);
    const revoked = await owner.request<Revisioned>('DELETE', path, undefined, {
      'if-match': `"${created.body.revision}"`,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revision).toBe(created.body.revision + 1);
  });

  it('answers If-Match on an object that is not there with 404, as without it', async () => {
    const missing = '/v1/proxies/00000000-0000-4000-8000-000000000000';
    const plain = await owner.request('PATCH', missing, { vmId: null });
    const conditional = await owner.request('PATCH', missing, { vmId: null }, { 'if-match': '"1"' });
    expect(conditional.status).toBe(404);
    const withoutIds = ({ requestId: _r, traceId: _t, ...rest }: Record<string, unknown>) => rest;
    expect(withoutIds(conditional.body as Record<string, unknown>)).toEqual(
      withoutIds(plain.body as Record<string, unknown>),
    );
  });
});

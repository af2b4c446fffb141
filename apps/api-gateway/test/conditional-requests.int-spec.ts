import { ConditionalRequestsInterceptor } from '../src/concurrency/conditional-requests.interceptor';
import { ApiReplicas } from './api-replicas';
import { TestClient } from './support/api-test-app';

const cluster = (port: number) => ({ endpoints: [{ address: '127.0.0.1', port }] });

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(30_000);

describe(ConditionalRequestsInterceptor.name, () => {
  let api: ApiReplicas;
  let owner: TestClient;

  beforeAll(async () => {
    api = await ApiReplicas.start(1);
    owner = api.client().withToken((await api.tenantOwner('etags')).token);
  }, 60_000);

  afterAll(() => api?.stop());

  it('gives every object an ETag of its revision, on reads and on writes', async () => {
    const created = await owner.post<{ revision: number }>('/v1/clusters', {
      name: 'tagged',
      ...cluster(8001),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe(`"${created.body.revision}"`);
    expect(created.headers.get('x-fleet-config-version')).toMatch(/^\d+$/);

    const read = await owner.get<{ revision: number }>('/v1/clusters/tagged');
    expect(read.headers.get('etag')).toBe(`"${read.body.revision}"`);

    const replaced = await owner.request('PUT', '/v1/clusters/tagged', cluster(8002));
    expect(replaced.headers.get('etag')).toBe(`"${created.body.revision + 1}"`);
  });

  it('answers a GET whose If-None-Match names the current ETag with 304 and no body', async () => {
    await owner.post('/v1/clusters', { name: 'cached-by-client', ...cluster(8001) });
    const first = await owner.get('/v1/clusters/cached-by-client');
    const etag = first.headers.get('etag') ?? '';

    const again = await owner.get('/v1/clusters/cached-by-client', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers.get('etag')).toBe(etag);

    // A weak tag names the same revision (If-None-Match compares weakly).
    expect((await owner.get('/v1/clusters/cached-by-client', { 'if-none-match': `W/${etag}` })).status).toBe(
      304,
    );
    await owner.request('PUT', '/v1/clusters/cached-by-client', cluster(8002));
    const changed = await owner.get('/v1/clusters/cached-by-client', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('refuses a PUT or DELETE with a stale If-Match with 412, writing nothing', async () => {
    const created = await owner.post('/v1/clusters', { name: 'contended', ...cluster(8001) });
    const stale = created.headers.get('etag') ?? '';
    const first = await owner.request('PUT', '/v1/clusters/contended', cluster(8002), { 'if-match': stale });
    expect(first.status).toBe(200);

    const lost = await owner.request('PUT', '/v1/clusters/contended', cluster(8003), { 'if-match': stale });
    expect(lost.status).toBe(412);
    expect(lost.headers.get('content-type')).toContain('application/problem+json');
    expect(lost.body).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED' });
    const deleted = await owner.request('DELETE', '/v1/clusters/contended', undefined, { 'if-match': stale });
    expect(deleted.status).toBe(412);

    const now = await owner.get<{ endpoints: { port: number }[] }>('/v1/clusters/contended');
    expect(now.body.endpoints.map((e) => e.port)).toEqual([8002]);
    expect(now.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('takes If-Match: * as "the object exists", and a list of tags as any of them', async () => {
    await owner.post('/v1/clusters', { name: 'starred', ...cluster(8001) });
    expect(
      (await owner.request('PUT', '/v1/clusters/starred', cluster(8002), { 'if-match': '*' })).status,
    ).toBe(200);
    expect(
      (await owner.request('PUT', '/v1/clusters/missing', cluster(8002), { 'if-match': '*' })).status,
    ).toBe(404);
    const current = (await owner.get('/v1/clusters/starred')).headers.get('etag');
    const listed = await owner.request('PUT', '/v1/clusters/starred', cluster(8003), {
      'if-match': `"999", ${current}`,
    });
    expect(listed.status).toBe(200);
    // A weak tag never matches for If-Match (strong comparison).
    const etag = listed.headers.get('etag');
    expect(
      (await owner.request('PUT', '/v1/clusters/starred', cluster(8004), { 'if-match': `W/${etag}` })).status,
    ).toBe(412);
    expect(
      (await owner.request('DELETE', '/v1/clusters/starred', undefined, { 'if-match': etag ?? '' })).status,
    ).toBe(204);
  });

  it('answers a malformed If-Match with 400 naming the header', async () => {
    await owner.post('/v1/clusters', { name: 'malformed', ...cluster(8001) });
    const response = await owner.request('PUT', '/v1/clusters/malformed', cluster(8002), {
      'if-match': 'revision-1',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_ARGUMENT', errors: [{ field: 'If-Match' }] });
  });

  it('lets exactly one of several writers holding the same ETag win', async () => {
    const created = await owner.post('/v1/clusters', { name: 'raced', ...cluster(8000) });
    const etag = created.headers.get('etag') ?? '';
    const writes = await Promise.all(
      [8001, 8002, 8003, 8004, 8005, 8006].map((port) =>
        owner.request('PUT', '/v1/clusters/raced', cluster(port), { 'if-match': etag }),
      ),
    );
    const statuses = writes.map((w) => w.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412]);
    const winner = writes.find((w) => w.status === 200);
    const now = await owner.get('/v1/clusters/raced');
    expect(now.body).toEqual(winner?.body);
  });
});

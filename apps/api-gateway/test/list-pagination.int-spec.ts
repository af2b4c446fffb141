import { ApiTestApp, TestClient, TestResponse } from './support/api-test-app';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
type Named = { name: string };

function expectBadField(response: TestResponse, field: string): void {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect((response.body as { errors?: { field: string }[] }).errors?.map((e) => e.field)).toContain(field);
}

/** Follows nextCursor to the end, collecting names. */
async function walk(client: TestClient, path: string): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const response: TestResponse<Page<Named>> = await client.get<Page<Named>>(url);
    expect(response.status).toBe(200);
    names.push(...response.body.items.map((item) => item.name));
    cursor = response.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { names, pages };
}

describe('Collection pagination, filters and sorting', () => {
  let api: ApiTestApp;
  let owner: TestClient;
  let other: TestClient;
  const created: string[] = [];

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('paging-a'));
    ({ owner: other } = await api.tenantOwner('paging-b'));
    for (const name of ['web-3', 'web-1', 'api-2', 'web-2', 'a_b', 'axb', 'api-1']) {
      const response = await owner.post('/v1/clusters', {
        name,
        endpoints: [{ address: '10.0.0.1', port: 80 }],
      });
      expect(response.status).toBe(201);
      created.push(name);
    }
    await other.post('/v1/clusters', { name: 'web-other', endpoints: [{ address: '10.0.0.2', port: 80 }] });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('pages through every object once, in name order, with an opaque cursor', async () => {
    const { names, pages } = await walk(owner, '/v1/clusters?limit=3');
    expect(names).toEqual([...created].sort());
    expect(pages).toBe(3);
    const first = await owner.get<Page<Named>>('/v1/clusters?limit=3');
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('sorts by name or creation time, either way', async () => {
    expect((await walk(owner, '/v1/clusters?limit=2&sort=-name')).names).toEqual(
      [...created].sort().reverse(),
    );
    expect((await walk(owner, '/v1/clusters?limit=2&sort=createdAt')).names).toEqual(created);
    expect((await walk(owner, '/v1/clusters?limit=4&sort=-createdAt')).names).toEqual([...created].reverse());
  });

  it('filters by name prefix, taking _ literally', async () => {
    expect((await walk(owner, '/v1/clusters?name=web-&limit=2')).names).toEqual(['web-1', 'web-2', 'web-3']);
    expect((await walk(owner, '/v1/clusters?name=a_')).names).toEqual(['a_b']);
  });

  it('continues after the cursor when objects are added before it (keyset, not offset)', async () => {
    const first = await owner.get<Page<Named>>('/v1/clusters?limit=3');
    await owner.post('/v1/clusters', { name: 'aaa-new', endpoints: [{ address: '10.0.0.3', port: 80 }] });
    const cursor = encodeURIComponent(first.body.nextCursor as string);
    const second = await owner.get<Page<Named>>(`/v1/clusters?limit=3&cursor=${cursor}`);
    const seen = [...first.body.items, ...second.body.items].map((item) => item.name);
    expect(new Set(seen).size).toBe(seen.length);
    expect(second.body.items[0]?.name).toBe([...created].sort()[3]);
  });

  it('filters proxies by labels, and keeps the ?sync= filter', async () => {
    for (const [nodeId, env] of [
      ['node-a', 'prod'],
      ['node-b', 'staging'],
      ['node-c', 'prod'],
    ] as const) {
      const response = await owner.post('/v1/proxies', { nodeId, labels: { env, team: 'edge' } });
      expect(response.status).toBe(201);
    }
    const prod = await owner.get<Page<{ nodeId: string }>>('/v1/proxies?label=env=prod&label=team=edge');
    expect(prod.body.items.map((p) => p.nodeId)).toEqual(['node-a', 'node-c']);
    const byName = await owner.get<Page<{ nodeId: string }>>('/v1/proxies?name=node-b');
    expect(byName.body.items.map((p) => p.nodeId)).toEqual(['node-b']);
    const disconnected = await owner.get<Page<{ nodeId: string }>>('/v1/proxies?sync=disconnected&limit=2');
    expect(disconnected.body.items.map((p) => p.nodeId)).toEqual(['node-a', 'node-b']);
    const synced = await owner.get<Page<unknown>>('/v1/proxies?sync=synced');
    expect(synced.body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses bad paging input with a 400 naming the parameter', async () => {
    expectBadField(await owner.get('/v1/clusters?limit=0'), 'limit');
    expectBadField(await owner.get('/v1/clusters?limit=501'), 'limit');
    expectBadField(await owner.get('/v1/clusters?limit=ten'), 'limit');
    expectBadField(await owner.get('/v1/clusters?sort=size'), 'sort');
    expectBadField(await owner.get('/v1/clusters?cursor=not-a-cursor'), 'cursor');
    expectBadField(await owner.get('/v1/clusters?label=novalue'), 'label');
    expectBadField(await owner.get('/v1/clusters?label=env=prod'), 'label');
    expectBadField(await owner.get('/v1/clusters?name=%25'), 'name');
    const byName = await owner.get<Page<Named>>('/v1/clusters?limit=1');
    const cursor = encodeURIComponent(byName.body.nextCursor as string);
    expectBadField(await owner.get(`/v1/clusters?sort=createdAt&cursor=${cursor}`), 'cursor');
  });

  it('pages every collection the same way, within the caller’s tenant only', async () => {
    for (const path of [
      '/v1/listeners',
      '/v1/route-configurations',
      '/v1/webhooks',
      '/v1/api-keys',
      '/v1/proxies',
    ]) {
      const response = await other.get<Page<unknown>>(`${path}?limit=5&sort=-createdAt`);
      expect({ path, status: response.status, nextCursor: response.body.nextCursor }).toEqual({
        path,
        status: 200,
        nextCursor: null,
      });
    }
    const theirs = await other.get<Page<Named>>('/v1/clusters');
    expect(theirs.body.items.map((c) => c.name)).toEqual(['web-other']);
  });
});

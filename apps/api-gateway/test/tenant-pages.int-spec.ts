import type { OpenAPIV3 } from 'openapi-types';
import { TenantsController } from '../src/tenants/tenants.controller';
import { ApiTestApp, TestClient } from './support/api-test-app';
import { expectBadField, Page, walkPages } from './support/paging';

type Named = { name: string };
const byName = (tenant: Named) => tenant.name;

describe(`${TenantsController.name} pages`, () => {
  let api: ApiTestApp;
  let admin: TestClient;
  let member: TestClient;
  /** In creation order; their names do not sort that way. */
  const created = ['pg-c', 'pg-a', 'pg-e', 'pg-b', 'pg-d'];

  beforeAll(async () => {
    api = await ApiTestApp.start();
    admin = await api.admin();
    ({ owner: member } = await api.tenantOwner('member-tenant'));
    for (const name of created) expect((await admin.post('/v1/tenants', { name })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('pages a platform admin through the tenants by name, following nextCursor', async () => {
    const first = await admin.get<Page<Named>>('/v1/tenants?name=pg-&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map(byName)).toEqual(['pg-a', 'pg-b']);
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await walkPages(admin, '/v1/tenants?name=pg-&limit=2', byName)).toEqual({
      keys: [...created].sort(),
      pages: 3,
    });
    // Unfiltered: every tenant, the platform's and the member's too, each once and in name order.
    const all = (await walkPages(admin, '/v1/tenants?limit=3', byName)).keys;
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining([...created, 'member-tenant']));
    expect(new Set(all).size).toBe(all.length);
  });

  it('sorts by creation time either way', async () => {
    expect((await walkPages(admin, '/v1/tenants?name=pg-&limit=2&sort=createdAt', byName)).keys).toEqual(
      created,
    );
    expect((await walkPages(admin, '/v1/tenants?name=pg-&limit=3&sort=-createdAt', byName)).keys).toEqual(
      [...created].reverse(),
    );
    expect((await walkPages(admin, '/v1/tenants?name=pg-&sort=-name', byName)).keys).toEqual(
      [...created].sort().reverse(),
    );
  });

  it('neither repeats nor skips a tenant while others are added between pages', async () => {
    const added: string[] = [];
    const { keys } = await walkPages(admin, '/v1/tenants?name=pg-&limit=2', byName, async (page) => {
      // One before the cursor (never seen on later pages) and one after it (seen once).
      for (const name of [`pg-0-added-${page}`, `pg-z-added-${page}`]) {
        expect((await admin.post('/v1/tenants', { name })).status).toBe(201);
        added.push(name);
      }
    });
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((name) => created.includes(name))).toEqual([...created].sort());
    expect(keys).toEqual([...keys].sort());
    expect(keys.filter((name) => name.startsWith('pg-0-'))).toEqual([]);
    expect(keys.filter((name) => name.startsWith('pg-z-'))).toEqual(
      added.filter((name) => name.startsWith('pg-z-')),
    );
  });

  it('is the platform admin’s only (403 for a tenant’s owner)', async () => {
    expect((await member.get('/v1/tenants')).status).toBe(403);
    expect((await member.get('/v1/tenants?limit=1')).status).toBe(403);
  });

  it('refuses bad paging input with a 400 naming the parameter', async () => {
    expectBadField(await admin.get('/v1/tenants?limit=0'), 'limit');
    expectBadField(await admin.get('/v1/tenants?limit=501'), 'limit');
    expectBadField(await admin.get('/v1/tenants?sort=size'), 'sort');
    expectBadField(await admin.get('/v1/tenants?cursor=not-a-cursor'), 'cursor');
    expectBadField(await admin.get('/v1/tenants?name=%25'), 'name');
    // Tenants carry no labels.
    expectBadField(await admin.get('/v1/tenants?label=env=prod'), 'label');
    const byNamePage = await admin.get<Page<Named>>('/v1/tenants?limit=1');
    const cursor = encodeURIComponent(byNamePage.body.nextCursor as string);
    expectBadField(await admin.get(`/v1/tenants?sort=createdAt&cursor=${cursor}`), 'cursor');
  });

  it('is described as a paged collection in the OpenAPI document', async () => {
    const document = (await api.client().get<OpenAPIV3.Document>('/docs-json')).body;
    const list = document.paths['/v1/tenants']?.get as OpenAPIV3.OperationObject;
    const query = (list.parameters as OpenAPIV3.ParameterObject[]).filter((p) => p.in === 'query');
    expect(query.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'name', 'sort']));
    const ok = list.responses['200'] as OpenAPIV3.ResponseObject;
    expect(ok.content?.['application/json']?.schema).toMatchObject({ required: ['items', 'nextCursor'] });
  });
});

import { selfSigned } from '@envoy-fleet/testing';
import { ApiTestApp, TestClient } from './support/api-test-app';

interface Entry {
  id: string;
  actor: string;
  action: string;
  kind: string;
  name: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  createdAt: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('GET /v1/audit', () => {
  let api: ApiTestApp;
  let owner: TestClient;
  let other: TestClient;
  let startedAt: string;

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('audit-a'));
    ({ owner: other } = await api.tenantOwner('audit-b'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    startedAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const endpoints = (port: number) => [{ address: '10.0.0.1', port }];
    expect((await owner.post('/v1/clusters', { name: 'web', endpoints: endpoints(80) })).status).toBe(201);
    expect((await owner.put('/v1/clusters/web', { endpoints: endpoints(8080) })).status).toBe(200);
    expect((await owner.post('/v1/clusters', { name: 'api', endpoints: endpoints(81) })).status).toBe(201);
    expect((await owner.request('DELETE', '/v1/clusters/api')).status).toBe(204);
    const site = selfSigned('audit.example.com');
    const secret = {
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      certificatePem: site.cert,
      privateKeyPem: site.key,
    };
    expect((await owner.post('/v1/secrets', secret)).status).toBe(201);
    expect((await other.post('/v1/clusters', { name: 'theirs', endpoints: endpoints(80) })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('lists who did what to which object, when, with before and after, newest first', async () => {
    const response = await owner.get<Page<Entry>>('/v1/audit');
    expect(response.status).toBe(200);
    const entries = response.body.items;
    expect(entries.map((e) => `${e.action} ${e.kind} ${e.name}`)).toEqual([
      'created secret site-cert',
      'deleted cluster api',
      'created cluster api',
      'updated cluster web',
      'created cluster web',
      'created tenant audit-a',
    ]);
    const updated = entries[3] as Entry;
    expect(updated.actor).toBeTruthy();
    expect(Date.parse(updated.createdAt)).toBeGreaterThan(Date.parse(startedAt));
    expect(JSON.stringify(updated.before)).toContain('"port":80');
    expect(JSON.stringify(updated.after)).toContain('"port":8080');
    expect(entries[1]?.after).toBeUndefined();
    expect(entries[4]?.before).toBeUndefined();
    expect(JSON.stringify(response.body)).not.toContain('theirs');
  });

  it('never shows a secret’s key material', async () => {
    const response = await owner.get<Page<Entry>>('/v1/audit?kind=secret');
    expect(response.body.items).toHaveLength(1);
    expect(JSON.stringify(response.body)).not.toMatch(/PRIVATE KEY|privateKeyPem/);
  });

  it('filters by actor, kind, name, action and time, and pages', async () => {
    const all = (await owner.get<Page<Entry>>('/v1/audit')).body.items;
    const actor = encodeURIComponent((all[0] as Entry).actor);
    const names = async (query: string) =>
      (await owner.get<Page<Entry>>(`/v1/audit?${query}`)).body.items.map((e) => `${e.action} ${e.name}`);
    expect(await names('kind=cluster&action=created')).toEqual(['created api', 'created web']);
    expect(await names('name=we')).toEqual(['updated web', 'created web']);
    expect(await names(`actor=${actor}&action=deleted`)).toEqual(['deleted api']);
    expect(await names('actor=someone-else')).toEqual([]);
    expect(await names(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual(
      [],
    );
    expect(await names(`until=${encodeURIComponent(startedAt)}`)).toEqual(['created audit-a']);
    expect(await names(`since=${encodeURIComponent(startedAt)}&sort=createdAt&limit=1`)).toEqual([
      'created web',
    ]);

    const first = await owner.get<Page<Entry>>('/v1/audit?limit=3');
    expect(first.body.items).toHaveLength(3);
    const rest = await owner.get<Page<Entry>>(
      `/v1/audit?limit=3&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
    );
    expect(rest.body.nextCursor).toBeNull();
    expect([...first.body.items, ...rest.body.items].map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('refuses bad filters with a 400 naming them, and readers below owner', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'since'],
      ['action=renamed', 'action'],
      ['label=a=b', 'label'],
      ['limit=0', 'limit'],
      [
        `since=${encodeURIComponent(new Date().toISOString())}&until=${encodeURIComponent(startedAt)}`,
        'until',
      ],
    ]) {
      const response = await owner.get(`/v1/audit?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect((response.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
    const key = await owner.post<{ key: string }>('/v1/api-keys', { name: 'reader', roles: ['viewer'] });
    const token = await api
      .client()
      .post<{ accessToken: string }>('/v1/auth/token', { apiKey: key.body.key });
    const viewer = api.client().withToken(token.body.accessToken);
    expect((await viewer.get('/v1/audit')).status).toBe(403);
  });
});

import { ApiTestApp, TestClient } from './support/api-test-app';

describe('POST /v1/webhooks kinds', () => {
  let api: ApiTestApp;
  let owner: TestClient;

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('hook-kinds'));
  }, 60_000);

  afterAll(() => api?.stop());

  const hook = (name: string, extra: object = {}) => ({
    name,
    url: 'https://hooks.example.com/fleet',
    eventTypes: ['config.*'],
    ...extra,
  });

  it('makes a plain HTTP webhook when no kind is given', async () => {
    const created = await owner.post<{ id: string; kind: string; secret: string }>(
      '/v1/webhooks',
      hook('plain'),
    );
    expect(created.status).toBe(201);
    expect(created.body.kind).toBe('http');
    expect(created.body.secret.length).toBeGreaterThanOrEqual(16);
    expect((await owner.get<{ kind: string }>(`/v1/webhooks/${created.body.id}`)).body.kind).toBe('http');
  });

  it('keeps a kind that is given, and refuses an unknown one naming the field', async () => {
    const slack = await owner.post<{ kind: string }>('/v1/webhooks', hook('chat', { kind: 'slack' }));
    expect(slack.status).toBe(201);
    expect(slack.body.kind).toBe('slack');
    const unknown = await owner.post<{ errors: { field: string }[] }>(
      '/v1/webhooks',
      hook('odd', { kind: 'smtp' }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e) => e.field)).toContain('kind');
  });
});

import { JsonLogger } from '@envoy-fleet/observability';
import { Logger } from '@nestjs/common';
import { ApiTestApp, TestClient } from './support/api-test-app';

describe('Log lines of a request', () => {
  let api: ApiTestApp;
  let owner: TestClient;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('logged-team'));
    Logger.overrideLogger(
      new JsonLogger('api-gateway', ['error', 'warn'], (line) => lines.push(JSON.parse(line))),
    );
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it("carry the request's X-Request-Id and trace id", async () => {
    const key = await owner.post<{ id: string; key: string }>('/v1/api-keys', {
      name: 'old',
      roles: ['viewer'],
    });
    expect((await owner.request('DELETE', `/v1/api-keys/${key.body.id}`)).status).toBe(200);
    lines.length = 0;
    // A revoked key is refused with a warning, written while the request is handled.
    const refused = await api.client().get('/v1/clusters', { 'x-api-key': key.body.key });
    expect(refused.status).toBe(401);
    const warning = lines.find((line) => line['context'] === 'ApiKeyVerifier');
    expect(warning).toMatchObject({
      level: 'warn',
      message: expect.stringContaining('revoked'),
      requestId: refused.headers.get('x-request-id'),
      traceId: refused.headers.get('x-trace-id'),
    });
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

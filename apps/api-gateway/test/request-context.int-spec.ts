import { gunzipSync } from 'node:zlib';
import { ApiTestApp, TestClient } from './support/api-test-app';

describe('Request ids, trace ids, CORS and compression', () => {
  let api: ApiTestApp;
  let owner: TestClient;

  beforeAll(async () => {
    api = await ApiTestApp.start({ CORS_ALLOWED_ORIGINS: 'https://console.example.com' });
    ({ owner } = await api.tenantOwner('context-team'));
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('answers every response with a request id and the trace of its span', async () => {
    const response = await owner.get('/v1/clusters');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const traceId = response.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
  });

  it('keeps a sane caller request id and the caller’s trace, and puts both in problems', async () => {
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await owner.get('/v1/clusters/missing', {
      'x-request-id': 'req-123.abc',
      traceparent: parent,
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('req-123.abc');
    expect(response.headers.get('x-trace-id')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(response.body).toMatchObject({
      requestId: 'req-123.abc',
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    const insane = await owner.get('/v1/clusters', { 'x-request-id': 'bad id with spaces' });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows the configured origin only', async () => {
    const allowed = await api.client().request('OPTIONS', '/v1/clusters', undefined, {
      origin: 'https://console.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    // A browser console edits and deletes too: every method the API has is allowed.
    const methods =
      allowed.headers
        .get('access-control-allow-methods')
        ?.split(',')
        .map((m) => m.trim()) ?? [];
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    const deleting = await api.client().request('OPTIONS', '/v1/clusters/web', undefined, {
      origin: 'https://console.example.com',
      'access-control-request-method': 'DELETE',
      'access-control-request-headers': 'authorization,if-match',
    });
    expect(deleting.status).toBe(204);
    expect(deleting.headers.get('access-control-allow-headers')).toMatch(/if-match/i);
    const simple = await owner.get('/v1/clusters', { origin: 'https://console.example.com' });
    const exposed = simple.headers.get('access-control-expose-headers') ?? '';
    for (const header of ['X-Request-Id', 'ETag', 'RateLimit-Remaining', 'x-fleet-config-version']) {
      expect(exposed.toLowerCase()).toContain(header.toLowerCase());
    }
    const foreign = await owner.get('/v1/clusters', { origin: 'https://evil.example.net' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const plain = await ApiTestApp.start();
    try {
      const response = await plain.client().get('/healthz', { origin: 'https://console.example.com' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.stop();
    }
  }, 60_000);

  it('compresses large responses for clients that accept it', async () => {
    const response = await fetch(`${api.baseUrl}/docs-json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    // fetch decodes gzip itself: read the raw bytes too, to be sure they are gzip.
    const raw = await rawBody(`${api.baseUrl}/docs-json`);
    expect(JSON.parse(gunzipSync(raw).toString('utf8')).openapi).toMatch(/^3\./);
    const small = await owner.get('/v1/clusters/missing', { 'accept-encoding': 'gzip' });
    expect(small.headers.get('content-encoding')).toBeNull();
  });
});

async function rawBody(url: string): Promise<Buffer> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
    })
      .on('error', reject)
      .end();
  });
}

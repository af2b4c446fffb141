import { randomBytes } from 'node:crypto';
import { ApiKeyVerifier } from '../src/auth/api-key-verifier';
import { SseClient } from './sse-client';
import { ApiTestApp, TestClient } from './support/api-test-app';

const cluster = (name: string) => ({ name, endpoints: [{ address: '127.0.0.1', port: 8080 }] });
type Problem = { status: number; detail: string; code: string };
type Key = { id: string; key: string };
type Changed = { changes?: { name: string }[] };
const changedName = (data?: string) => (JSON.parse(data ?? '{}') as Changed).changes?.[0]?.name;

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(30_000);

describe(ApiKeyVerifier.name, () => {
  let api: ApiTestApp;
  let owner: TestClient;
  let anonymous: TestClient;
  let editorKey: Key;
  const opened: { close(): void }[] = [];

  async function newKey(client: TestClient, name: string, roles: string[]): Promise<Key> {
    const created = await client.post<Key>('/v1/api-keys', { name, roles });
    expect(created.status).toBe(201);
    return created.body;
  }
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const header = (key: string) => ({ 'x-api-key': key });

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('keys-a'));
    anonymous = api.client();
    editorKey = await newKey(owner, 'deploy-bot', ['editor']);
  }, 60_000);

  afterEach(() => opened.splice(0).forEach((stream) => stream.close()));
  afterAll(() => api?.stop());

  it('takes a key as a bearer token and as X-Api-Key, on reads and writes', async () => {
    for (const [name, headers] of [
      ['by-bearer', bearer(editorKey.key)],
      ['by-header', header(editorKey.key)],
    ] as const) {
      const created = await anonymous.post('/v1/clusters', cluster(name), headers);
      expect({ name, status: created.status }).toEqual({ name, status: 201 });
      const read = await anonymous.get<{ name: string }>(`/v1/clusters/${name}`, headers);
      expect(read.status).toBe(200);
      expect(read.body.name).toBe(name);
    }
    const list = await anonymous.get<{ items: { name: string }[] }>('/v1/clusters', header(editorKey.key));
    expect(list.body.items.map((c) => c.name)).toEqual(expect.arrayContaining(['by-bearer', 'by-header']));
  });

  it('names the key in audit rows as its exchanged token would', async () => {
    const exchanged = await anonymous.post<{ accessToken: string }>('/v1/auth/token', {
      apiKey: editorKey.key,
    });
    const asToken = api.client().withToken(exchanged.body.accessToken);
    expect((await asToken.post('/v1/clusters', cluster('by-token'))).status).toBe(201);
    const actor = `api-key:${editorKey.id}`;
    const audit = await owner.get<{ items: { actor: string; name: string }[] }>(
      `/v1/audit?actor=${encodeURIComponent(actor)}&kind=cluster`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((entry) => entry.name).sort()).toEqual([
      'by-bearer',
      'by-header',
      'by-token',
    ]);
  });

  it("limits a key to its roles: a viewer's key reads but cannot write (403)", async () => {
    const viewer = await newKey(owner, 'reader', ['viewer']);
    expect((await anonymous.get('/v1/clusters', bearer(viewer.key))).status).toBe(200);
    const write = await anonymous.post<Problem>('/v1/clusters', cluster('nope'), header(viewer.key));
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('PERMISSION_DENIED');
    expect((await anonymous.get('/v1/api-keys', bearer(viewer.key))).status).toBe(403);
  });

  it('refuses a key at once once it is revoked on this replica (401)', async () => {
    const doomed = await newKey(owner, 'doomed', ['editor']);
    // Verified and remembered first, so the refusal cannot come from an expired memo.
    expect((await anonymous.get('/v1/clusters', bearer(doomed.key))).status).toBe(200);
    expect((await anonymous.get('/v1/clusters', header(doomed.key))).status).toBe(200);
    expect((await owner.request('DELETE', `/v1/api-keys/${doomed.id}`)).status).toBe(200);
    for (const headers of [bearer(doomed.key), header(doomed.key)]) {
      const refused = await anonymous.get<Problem>('/v1/clusters', headers);
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toBe('authentication failed: API key revoked');
    }
    const exchange = await anonymous.post<Problem>('/v1/auth/token', { apiKey: doomed.key });
    expect(exchange.status).toBe(401);
  });

  it('refuses unknown and malformed keys, and two credentials at once, with a clear 401', async () => {
    const unknown = `fleet_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const wrongSecret = `${editorKey.key.slice(0, 'fleet_'.length + 13)}${randomBytes(32).toString('base64url')}`;
    const cases: [Record<string, string>, string][] = [
      [bearer(unknown), 'authentication failed: unknown API key'],
      [header(wrongSecret), 'authentication failed: unknown API key'],
      [
        bearer('fleet_not-a-key'),
        'authentication failed: malformed API key (expected fleet_<prefix>_<secret>)',
      ],
      [
        header('eyJhbGciOiJIUzI1NiJ9.e30.x'),
        'authentication failed: X-Api-Key takes one API key (fleet_<prefix>_<secret>)',
      ],
      [
        { ...bearer(editorKey.key), ...header(editorKey.key) },
        'authentication failed: send either Authorization or X-Api-Key, not both',
      ],
      [
        { authorization: `Basic ${editorKey.key}` },
        'authentication failed: Authorization takes "Bearer <token or API key>"',
      ],
    ];
    for (const [headers, detail] of cases) {
      const refused = await anonymous.get<Problem>('/v1/clusters', headers);
      expect({ headers, status: refused.status, detail: refused.body.detail }).toEqual({
        headers,
        status: 401,
        detail,
      });
    }
  });

  it("keeps a key to its tenant: another tenant's objects are missing (404)", async () => {
    const { owner: otherOwner } = await api.tenantOwner('keys-b');
    expect((await otherOwner.post('/v1/clusters', cluster('b-only'))).status).toBe(201);
    const otherKey = await newKey(otherOwner, 'b-bot', ['owner']);
    expect((await anonymous.get('/v1/clusters/b-only', header(otherKey.key))).status).toBe(200);

    const missing = await anonymous.get<Problem>('/v1/clusters/b-only', header(editorKey.key));
    const reallyMissing = await anonymous.get<Problem>('/v1/clusters/no-such-cluster', header(editorKey.key));
    expect(missing.status).toBe(404);
    expect(reallyMissing.status).toBe(404);
    const list = await anonymous.get<{ items: { name: string }[] }>('/v1/clusters', bearer(editorKey.key));
    expect(list.body.items.map((c) => c.name)).not.toContain('b-only');
    // Nor can an owner's key revoke another tenant's key: it is missing too.
    const revoke = await anonymous.request(
      'DELETE',
      `/v1/api-keys/${editorKey.id}`,
      undefined,
      bearer(otherKey.key),
    );
    expect(revoke.status).toBe(404);
    expect((await anonymous.get('/v1/clusters', bearer(editorKey.key))).status).toBe(200);
  });

  it('answers a remembered key from the read cache like a token', async () => {
    // A tenant of its own: no write (or late event of one) retires the entry between the reads.
    const { owner: quiet } = await api.tenantOwner('keys-cached');
    const reader = await newKey(quiet, 'cached-reader', ['viewer']);
    expect((await anonymous.get('/v1/clusters', header(reader.key))).headers.get('x-fleet-cache')).toBe(
      'miss',
    );
    const again = await anonymous.get('/v1/clusters', header(reader.key));
    expect(again.status).toBe(200);
    expect(again.headers.get('x-fleet-cache')).toBe('hit');
  });

  it('streams /v1/events over SSE to a key, sent as X-Api-Key or ?access_token=', async () => {
    const viaHeader = await SseClient.open(`${api.baseUrl}/v1/events`, header(editorKey.key));
    const viaParam = await SseClient.open(`${api.baseUrl}/v1/events?access_token=${editorKey.key}`);
    opened.push(viaHeader, viaParam);
    for (const sse of [viaHeader, viaParam]) {
      expect(sse.response.status).toBe(200);
      await sse.next((e) => e.event === 'ready');
    }
    await anonymous.post('/v1/clusters', cluster('streamed'), bearer(editorKey.key));
    for (const sse of [viaHeader, viaParam]) {
      const event = await sse.next((e) => e.event === 'config.updated' && changedName(e.data) === 'streamed');
      expect(JSON.parse(event.data ?? '')).toMatchObject({
        changes: [{ kind: 'cluster', name: 'streamed', action: 'created' }],
      });
    }
    const revoked = await newKey(owner, 'stream-revoked', ['viewer']);
    expect((await owner.request('DELETE', `/v1/api-keys/${revoked.id}`)).status).toBe(200);
    const refused = await SseClient.open(`${api.baseUrl}/v1/events`, bearer(revoked.key));
    opened.push(refused);
    expect(refused.response.status).toBe(401);
  });

  it('refuses a key past its expiresAt, and never issues a token that outlives it', async () => {
    const soon = new Date(Date.now() + 2_500).toISOString();
    const created = await owner.post<Key & { expiresAt: string }>('/v1/api-keys', {
      name: 'short-lived',
      roles: ['viewer'],
      expiresAt: soon,
    });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(soon);
    expect((await anonymous.get('/v1/clusters', header(created.body.key))).status).toBe(200);
    const exchanged = await anonymous.post<{ expiresIn: number }>('/v1/auth/token', {
      apiKey: created.body.key,
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.expiresIn).toBeLessThanOrEqual(3);

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const refused = await anonymous.get<Problem>('/v1/clusters', header(created.body.key));
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('authentication failed: API key expired');
    const notExchanged = await anonymous.post<Problem>('/v1/auth/token', { apiKey: created.body.key });
    expect(notExchanged.status).toBe(401);
    expect(notExchanged.body.detail).toBe('authentication failed: API key expired');
  });

  it('answers an expiresAt that is not a future date-time with 400 naming it, and makes no key', async () => {
    const before = await owner.get<{ items: unknown[] }>('/v1/api-keys?limit=100');
    for (const expiresAt of ['2020-01-01T00:00:00Z', 'next tuesday', 12]) {
      const refused = await owner.post<{ errors?: { field: string }[] }>('/v1/api-keys', {
        name: 'bad-expiry',
        roles: ['viewer'],
        expiresAt,
      });
      expect({ expiresAt, status: refused.status }).toEqual({ expiresAt, status: 400 });
      expect(refused.body.errors?.map((e) => e.field)).toContain('expiresAt');
    }
    const after = await owner.get<{ items: unknown[] }>('/v1/api-keys?limit=100');
    expect(after.body.items).toHaveLength(before.body.items.length);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EventStreams } from '../src/events/event-streams.service';
import { ApiReplicas } from './api-replicas';
import { SseClient } from './sse-client';
import { TestClient } from './support/api-test-app';

const cluster = (name: string) => ({ name, endpoints: [{ address: '127.0.0.1', port: 8080 }] });
type Changed = { tenantId: string; changes: { kind: string; name: string; action: string }[] };
const changedName = (data?: string) => (JSON.parse(data ?? '{}') as Changed).changes?.[0]?.name;

/** A real WebSocket client that keeps every message it receives. */
async function openWebSocket(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: { id?: string; type: string; data: unknown }[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(String(raw))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused with ${response.statusCode}`)),
    );
  });
  const next = async (match: (m: (typeof messages)[number]) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { socket, messages, next };
}

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(30_000);

describe(EventStreams.name, () => {
  let api: ApiReplicas;
  let a: { tenantId: string; token: string };
  let b: { tenantId: string; token: string };
  let aWrites: TestClient;
  let bWrites: TestClient;
  const opened: { close(): void }[] = [];
  const eventsUrl = (replica = 0) => `${api.urls[replica]}/v1/events`;

  beforeAll(async () => {
    api = await ApiReplicas.start(2, { EVENTS_HEARTBEAT_MS: '300' });
    a = await api.tenantOwner('events-a');
    b = await api.tenantOwner('events-b');
    // Writes go through the other replica: events reach streams through NATS, not in-process.
    aWrites = api.client(1).withToken(a.token);
    bWrites = api.client(1).withToken(b.token);
  }, 90_000);

  afterEach(() => opened.splice(0).forEach((stream) => stream.close()));
  afterAll(() => api?.stop());

  it("streams the caller's tenant's config changes as SSE, never another tenant's", async () => {
    const sse = await SseClient.open(eventsUrl(), { authorization: `Bearer ${a.token}` });
    opened.push(sse);
    expect(sse.response.status).toBe(200);
    expect(sse.response.headers.get('content-type')).toContain('text/event-stream');
    await sse.next((e) => e.event === 'ready');

    await bWrites.post('/v1/clusters', cluster('b-secret-cluster'));
    await aWrites.post('/v1/clusters', cluster('a-cluster'));
    const event = await sse.next((e) => e.event === 'config.updated');
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(event.data ?? '')).toMatchObject({
      tenantId: a.tenantId,
      changes: [{ kind: 'cluster', name: 'a-cluster', action: 'created' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.stringify(sse.received)).not.toContain(b.tenantId);
    expect(JSON.stringify(sse.received)).not.toContain('b-secret-cluster');
  });

  it('streams proxy changes too, and sends heartbeats', async () => {
    const sse = await SseClient.open(`${eventsUrl()}?access_token=${a.token}`);
    opened.push(sse);
    await sse.next((e) => e.event === 'ready');
    await aWrites.post('/v1/proxies', { nodeId: `events-proxy-${a.tenantId}` });
    const registered = await sse.next((e) => e.event === 'proxy.registered');
    expect(JSON.parse(registered.data ?? '')).toMatchObject({ nodeId: `events-proxy-${a.tenantId}` });
    await sse.next((e) => e.comment === 'heartbeat', 2000);
  });

  it('resumes after Last-Event-ID with the events missed meanwhile, or says resync', async () => {
    const first = await SseClient.open(eventsUrl(), { authorization: `Bearer ${a.token}` });
    opened.push(first);
    await first.next((e) => e.event === 'ready');
    await aWrites.post('/v1/clusters', cluster('resume-1'));
    const seen = await first.next((e) => changedName(e.data) === 'resume-1');
    first.close();

    await aWrites.post('/v1/clusters', cluster('resume-2'));
    await aWrites.post('/v1/clusters', cluster('resume-3'));
    // Let both events reach the replica before reconnecting (as a client's retry delay would).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const resumed = await SseClient.open(eventsUrl(), {
      authorization: `Bearer ${a.token}`,
      'last-event-id': seen.id ?? '',
    });
    opened.push(resumed);
    await resumed.next((e) => changedName(e.data) === 'resume-3');
    const names = resumed
      .events()
      .filter((e) => e.event === 'config.updated')
      .map((e) => changedName(e.data));
    expect(names).toEqual(['resume-2', 'resume-3']);

    const unknown = await SseClient.open(eventsUrl(), {
      authorization: `Bearer ${a.token}`,
      'last-event-id': '00000000-0000-0000-0000-000000000000',
    });
    opened.push(unknown);
    await unknown.next((e) => e.event === 'resync');
  });

  it('refuses a stream without a valid token with 401 problem+json', async () => {
    const none = await fetch(eventsUrl());
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const forged = await fetch(`${eventsUrl()}?access_token=not-a-token`);
    expect(forged.status).toBe(401);
  });

  it('streams the same events over a WebSocket on the same path', async () => {
    const ws = await openWebSocket(`${eventsUrl().replace('http', 'ws')}?access_token=${a.token}`);
    opened.push({ close: () => ws.socket.close() });
    await ws.next((m) => m.type === 'ready');
    await bWrites.post('/v1/clusters', cluster('b-ws-cluster'));
    await aWrites.post('/v1/clusters', cluster('a-ws-cluster'));
    const message = await ws.next((m) => m.type === 'config.updated');
    expect(message.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.data).toMatchObject({ tenantId: a.tenantId, changes: [{ name: 'a-ws-cluster' }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.stringify(ws.messages)).not.toContain(b.tenantId);

    const withHeader = await openWebSocket(eventsUrl(1).replace('http', 'ws'), {
      authorization: `Bearer ${b.token}`,
    });
    opened.push({ close: () => withHeader.socket.close() });
    await withHeader.next((m) => m.type === 'ready');
    expect(withHeader.messages[0].data).toEqual({ tenantId: b.tenantId });
  });

  it('refuses a WebSocket upgrade without a valid token with 401', async () => {
    await expect(openWebSocket(eventsUrl().replace('http', 'ws'))).rejects.toThrow(
      'upgrade refused with 401',
    );
    await expect(openWebSocket(`${eventsUrl().replace('http', 'ws')}?access_token=forged`)).rejects.toThrow(
      'upgrade refused with 401',
    );
  });
});

describe(`${EventStreams.name} on the embedded bus and store`, () => {
  let api: ApiReplicas;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'live-events-'));
    // As `npm start` runs it without NATS and Redis: the in-process event bus and cache.
    api = await ApiReplicas.start(1, { NATS_URL: '', REDIS_URL: '', FLEET_DATA_DIR: dataDir });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('streams config changes and keeps the read cache fresh', async () => {
    const { token } = await api.tenantOwner('embedded');
    const owner = api.client().withToken(token);
    const sse = await SseClient.open(`${api.urls[0]}/v1/events`, { authorization: `Bearer ${token}` });
    try {
      await sse.next((e) => e.event === 'ready');
      await owner.post('/v1/clusters', cluster('embedded-cluster'));
      const event = await sse.next((e) => e.event === 'config.updated');
      expect(changedName(event.data)).toBe('embedded-cluster');

      await owner.get('/v1/clusters/embedded-cluster');
      expect((await owner.get('/v1/clusters/embedded-cluster')).headers.get('x-fleet-cache')).toBe('hit');
      await owner.request('PUT', '/v1/clusters/embedded-cluster', {
        endpoints: [{ address: '127.0.0.1', port: 9090 }],
      });
      const read = await owner.get<{ endpoints: { port: number }[] }>('/v1/clusters/embedded-cluster');
      expect(read.body.endpoints[0].port).toBe(9090);
    } finally {
      sse.close();
    }
  }, 30_000);
});

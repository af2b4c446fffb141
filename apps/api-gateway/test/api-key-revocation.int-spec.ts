import { JetStreamEventBus, Subjects } from '@envoy-fleet/messaging';
import { pollUntil } from '@envoy-fleet/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiKeyRevocations } from '../src/auth/api-key-revocations';
import { ApiTestApp } from './support/api-test-app';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

// A replica that remembers a verified key for a minute, and a revocation made elsewhere: the row
// changed in PostgreSQL and its event on NATS, as another replica's write and outbox relay make
// them. Only the event can make this replica refuse the key within the test.
jest.setTimeout(30_000);

describe(ApiKeyRevocations.name, () => {
  let api: ApiTestApp;
  let bus: JetStreamEventBus;

  beforeAll(async () => {
    api = await ApiTestApp.start({ API_KEY_CACHE_MS: '60000' });
    bus = await JetStreamEventBus.connect(NATS_URL, 'api-key-revocation-test');
  }, 90_000);

  afterAll(async () => {
    await bus?.close();
    await api?.stop();
  });

  it("refuses a remembered key once another replica's revocation event arrives", async () => {
    const { tenantId, owner } = await api.tenantOwner('revoked-elsewhere');
    const created = await owner.post<{ id: string; key: string }>('/v1/api-keys', {
      name: 'ci-bot',
      roles: ['viewer'],
    });
    const read = () => api.client().get('/v1/clusters', { 'x-api-key': created.body.key });
    expect((await read()).status).toBe(200);

    const sql = new Client({ connectionString: api.database.adminUrl });
    await sql.connect();
    try {
      await sql.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [created.body.id]);
    } finally {
      await sql.end();
    }
    // Still remembered: the database alone does not reach this replica's memo.
    expect((await read()).status).toBe(200);

    const revoked = { tenantId, id: created.body.id, action: 'revoked' };
    await bus.publish(Subjects.apiKeyChanged(tenantId), revoked, randomUUID());
    const refused = await pollUntil(read, (response) => response.status === 401, {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(refused.body).toMatchObject({ detail: 'authentication failed: API key revoked' });
  });
});

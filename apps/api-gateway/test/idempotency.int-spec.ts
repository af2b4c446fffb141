import { Client } from 'pg';
import { ApiTestApp, TestClient } from './support/api-test-app';

describe('Idempotency-Key on POST', () => {
  let api: ApiTestApp;
  let owner: TestClient;
  let other: TestClient;
  let otherTenantId: string;
  let admin: Client;

  const clusters = async (name: string): Promise<number> => {
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM clusters WHERE name = $1', [name]);
    return rows[0].n as number;
  };
  const cluster = (name: string, port = 80) => ({ name, endpoints: [{ address: '10.0.0.1', port }] });

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner } = await api.tenantOwner('idem-a'));
    ({ owner: other, tenantId: otherTenantId } = await api.tenantOwner('idem-b'));
    admin = new Client({ connectionString: api.database.adminUrl });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await api?.stop();
  });

  it('replays the first response to a repeat, without writing again', async () => {
    const headers = { 'idempotency-key': 'create-web-1' };
    const first = await owner.post('/v1/clusters', cluster('web'), headers);
    expect(first.status).toBe(201);
    const again = await owner.post('/v1/clusters', cluster('web'), headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('x-fleet-config-version')).toBe(first.headers.get('x-fleet-config-version'));
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(await clusters('web')).toBe(1);
    // Without the key, the same body is a second create: a conflict.
    expect((await owner.post('/v1/clusters', cluster('web'))).status).toBe(409);
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    const headers = { 'idempotency-key': 'create-api' };
    expect((await owner.post('/v1/clusters', cluster('api'), headers)).status).toBe(201);
    const reused = await owner.post('/v1/clusters', cluster('api-2'), headers);
    expect(reused.status).toBe(422);
    expect((reused.body as { errors: { field: string }[] }).errors[0]?.field).toBe('Idempotency-Key');
    expect(await clusters('api-2')).toBe(0);
  });

  it('writes once when duplicates arrive at the same time', async () => {
    const headers = { 'idempotency-key': 'burst' };
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => owner.post('/v1/clusters', cluster('burst'), headers)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await clusters('burst')).toBe(1);
  });

  it('keeps keys per tenant, replays refusals too, and refuses malformed keys', async () => {
    const headers = { 'idempotency-key': 'create-web-1' };
    expect((await other.post('/v1/clusters', cluster('web'), headers)).status).toBe(201);
    const bad = { name: 'bad', endpoints: [{ address: '10.0.0.1', port: 0 }] };
    const refused = await owner.post('/v1/clusters', bad, { 'idempotency-key': 'bad-one' });
    expect(refused.status).toBe(400);
    const replayed = await owner.post('/v1/clusters', bad, { 'idempotency-key': 'bad-one' });
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const malformed = await owner.post('/v1/clusters', cluster('x'), { 'idempotency-key': 'a'.repeat(300) });
    expect(malformed.status).toBe(400);
    expect(await clusters('x')).toBe(0);
  });

  it('keeps each tenant’s keys behind row-level security', async () => {
    const { rows: all } = await admin.query('SELECT count(*)::int AS n FROM idempotency_keys');
    const app = new Client({ connectionString: api.database.appUrl });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [otherTenantId]);
      const { rows } = await app.query('SELECT tenant_id FROM idempotency_keys');
      await app.query('COMMIT');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThan(all[0].n as number);
      expect(new Set(rows.map((row: { tenant_id: string }) => row.tenant_id))).toEqual(
        new Set([otherTenantId]),
      );
    } finally {
      await app.end();
    }
  });

  it('forgets a key once it expires', async () => {
    const headers = { 'idempotency-key': 'short-lived' };
    expect((await owner.post('/v1/clusters', cluster('expiring'), headers)).status).toBe(201);
    await admin.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      'short-lived',
    ]);
    // The key is free again: the repeat runs, and meets the cluster it made the first time.
    expect((await owner.post('/v1/clusters', cluster('expiring'), headers)).status).toBe(409);
  });
});

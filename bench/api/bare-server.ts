// The baseline: a bare node:http server making the same Redis and PostgreSQL calls as
// api-gateway for the three benchmarked requests, with no framework, no token check and no
// validation. Run as its own process by main.ts (env: PORT, DATABASE_URL, REDIS_URL, TENANT_ID).
import { RedisStore } from '@envoy-fleet/cache';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const TENANT = env('TENANT_ID');
/** As api-gateway's tenant request-rate quota (high enough never to refuse). */
const RATE_LIMIT = 1_000_000_000;

async function inTenant<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [TENANT]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function readCluster(client: PoolClient, name: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await client.query('SELECT * FROM clusters WHERE tenant_id = $1 AND name = $2', [
    TENANT,
    name,
  ]);
  const cluster = rows[0] as Record<string, unknown> | undefined;
  if (!cluster) return undefined;
  const endpoints = await client.query('SELECT * FROM endpoints WHERE cluster_id = $1 ORDER BY created_at', [
    cluster['id'],
  ]);
  return { ...cluster, endpoints: endpoints.rows };
}

async function createCluster(
  client: PoolClient,
  body: { name: string; endpoints: { address: string; port: number }[] },
) {
  await client.query('SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE', [TENANT]);
  await client.query('SELECT quotas FROM tenants WHERE id = $1', [TENANT]);
  for (const table of ['proxies', 'clusters', 'listeners', 'route_configurations', 'secrets']) {
    await client.query(`SELECT count(*)::int FROM ${table} WHERE tenant_id = $1`, [TENANT]);
  }
  const { rows } = await client.query(
    'INSERT INTO clusters (tenant_id, name, updated_at) VALUES ($1, $2, now()) RETURNING *',
    [TENANT, body.name],
  );
  const cluster = rows[0] as { id: string };
  for (const endpoint of body.endpoints) {
    await client.query(
      'INSERT INTO endpoints (cluster_id, tenant_id, address, port) VALUES ($1, $2, $3, $4)',
      [cluster.id, TENANT, endpoint.address, endpoint.port],
    );
  }
  const created = await readCluster(client, body.name);
  await client.query('SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE', [TENANT]);
  const { rows: versions } = await client.query(
    'SELECT coalesce(max(version), 0) + 1 AS next FROM config_versions WHERE tenant_id = $1',
    [TENANT],
  );
  await client.query(
    'INSERT INTO config_versions (tenant_id, version, actor, summary) VALUES ($1, $2, $3, $4)',
    [
      TENANT,
      (versions[0] as { next: number }).next,
      'bare',
      JSON.stringify({ changes: [{ kind: 'cluster', name: body.name, action: 'created' }] }),
    ],
  );
  await client.query(
    'INSERT INTO audit_logs (tenant_id, actor, action, kind, name, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [TENANT, 'bare', 'created', 'cluster', body.name, null, JSON.stringify(created)],
  );
  await client.query(
    'INSERT INTO outbox_events (tenant_id, subject, payload, msg_id) VALUES ($1, $2, $3, $4)',
    [
      TENANT,
      `fleet.config.updated.${TENANT}`,
      JSON.stringify({ tenantId: TENANT, changes: [{ kind: 'cluster', name: body.name }] }),
      randomUUID(),
    ],
  );
  return created;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => done(text));
    request.on('error', fail);
  });
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: env('DATABASE_URL'), max: 10 });
  const store = await RedisStore.connect(env('REDIS_URL'));
  const generationKey = `bare:${TENANT}:generation`;
  await store.set(generationKey, randomUUID(), 86_400_000);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
    };
    await store.hit(`tenant-requests:${TENANT}`, RATE_LIMIT, 1000);
    const url = request.url ?? '/';
    if (request.method === 'GET' && url.startsWith('/cached/')) {
      // Cache-aside: the generation, then the entry under it; on a miss, the database and a put.
      const generation = (await store.get(generationKey)) ?? '';
      const key = `bare:${TENANT}:${generation}:${url}`;
      const cached = await store.get(key);
      if (cached !== undefined) return send(200, cached);
      const cluster = await inTenant(pool, (client) => readCluster(client, url.slice('/cached/'.length)));
      if (!cluster) return send(404, '{}');
      const body = JSON.stringify(cluster);
      await store.set(key, body, 30_000);
      return send(200, body);
    }
    if (request.method === 'GET' && url.startsWith('/uncached/')) {
      const cluster = await inTenant(pool, (client) => readCluster(client, url.slice('/uncached/'.length)));
      return cluster ? send(200, JSON.stringify(cluster)) : send(404, '{}');
    }
    if (request.method === 'POST' && url === '/clusters') {
      const input = JSON.parse(await readBody(request)) as Parameters<typeof createCluster>[1];
      const created = await inTenant(pool, (client) => createCluster(client, input));
      await store.set(generationKey, randomUUID(), 86_400_000);
      return send(201, JSON.stringify(created));
    }
    send(404, '{}');
  };

  let stopping = false;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!stopping) console.error(error);
      response.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(env('PORT')), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGTERM', () => {
    stopping = true;
    server.close();
    server.closeAllConnections();
    void Promise.all([pool.end(), store.close()]).then(() => process.exit(0));
  });
}

void main();

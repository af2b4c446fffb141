// The baseline: a bare node:http server making the same Redis and PostgreSQL calls as
// api-gateway for the three benchmarked requests, with no framework, no token check and no
// validation. Run as its own process by main.ts (env: PORT, DATABASE_URL, REDIS_URL, TENANT_ID).
import { RedisStore } from '@envoy-fleet/cache';
import { CLUSTER_STATEMENTS } from '@envoy-fleet/data-access';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { COUNT_CLUSTERS, endpointRows, LOCK_TENANT, RECORD_CHANGE } from './write-statements';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const TENANT = env('TENANT_ID');
/** As api-gateway's tenant request-rate quota (high enough never to refuse). */
const RATE_LIMIT = 1_000_000_000;

async function inTenant<T>(pool: Pool, tenant: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
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

const { readOne: READ_CLUSTER, createOne: CREATE_CLUSTER } = CLUSTER_STATEMENTS;

/** As api-gateway's hot reads (Database.readAsTenant): the tenant on the session, then the statement. */
async function readCluster(pool: Pool, name: string): Promise<Record<string, unknown> | undefined> {
  const client = await pool.connect();
  try {
    await client.query("SELECT set_config('app.tenant_id', $1, false)", [TENANT]);
    const { rows } = await client.query(READ_CLUSTER, [TENANT, name]);
    return rows[0] as Record<string, unknown> | undefined;
  } finally {
    client.release();
  }
}

async function createCluster(
  client: PoolClient,
  body: { name: string; endpoints: { address: string; port: number }[] },
  tenant: string,
) {
  // As ConfigChangeService on a create: the tenant lock with its quotas, then the kind's count.
  await client.query(LOCK_TENANT, [tenant]);
  await client.query(COUNT_CLUSTERS, [tenant]);
  // As ClusterRepository.create: the cluster, its endpoints and the read-back in one statement.
  const { rows } = await client.query(CREATE_CLUSTER, [
    tenant,
    body.name,
    'ROUND_ROBIN',
    5000,
    false,
    '{}',
    endpointRows(body.endpoints),
  ]);
  const created = rows[0] as Record<string, unknown>;
  // As ConfigVersionRepository.createWithAuditAndEvent: version, audit row and event in one.
  await client.query(RECORD_CHANGE, [
    tenant,
    'bare',
    JSON.stringify({ changes: [{ kind: 'cluster', name: body.name, action: 'created' }] }),
    body.name,
    JSON.stringify(created),
    `fleet.config.updated.${tenant}`,
    JSON.stringify({ tenantId: tenant, version: 0, changes: [{ kind: 'cluster', name: body.name }] }),
    randomUUID(),
  ]);
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
  const readPool = new Pool({ connectionString: env('DATABASE_URL'), max: 10 });
  const store = await RedisStore.connect(env('REDIS_URL'));
  const generationKey = (tenant: string) => `bare:${tenant}:generation`;
  await store.set(generationKey(TENANT), randomUUID(), 86_400_000);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
    };
    // Writes may name their tenant (the spread POST), as api-gateway's callers do with their token.
    const sent = request.headers['x-tenant-id'];
    const tenant = typeof sent === 'string' ? sent : TENANT;
    await store.hit(`tenant-requests:${tenant}`, RATE_LIMIT, 1000);
    const url = request.url ?? '/';
    if (request.method === 'GET' && url.startsWith('/cached/')) {
      // Cache-aside: the generation, then the entry under it; on a miss, the database and a put.
      const generation = (await store.get(generationKey(tenant))) ?? '';
      const key = `bare:${TENANT}:${generation}:${url}`;
      const cached = await store.get(key);
      if (cached !== undefined) return send(200, cached);
      const cluster = await readCluster(readPool, url.slice('/cached/'.length));
      if (!cluster) return send(404, '{}');
      const body = JSON.stringify(cluster);
      await store.set(key, body, 30_000);
      return send(200, body);
    }
    if (request.method === 'GET' && url.startsWith('/uncached/')) {
      const cluster = await readCluster(readPool, url.slice('/uncached/'.length));
      return cluster ? send(200, JSON.stringify(cluster)) : send(404, '{}');
    }
    if (request.method === 'POST' && url === '/clusters') {
      const input = JSON.parse(await readBody(request)) as Parameters<typeof createCluster>[1];
      const created = await inTenant(pool, tenant, (client) => createCluster(client, input, tenant));
      await store.set(generationKey(tenant), randomUUID(), 86_400_000);
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
    void Promise.all([pool.end(), readPool.end(), store.close()]).then(() => process.exit(0));
  });
}

void main();

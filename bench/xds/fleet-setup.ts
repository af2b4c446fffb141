// The control plane under test: api-gateway and xds-server as processes on a fresh database and
// the real NATS, one tenant with its config declared through the API, and N proxies registered.
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { Client } from 'pg';
import { AppProcess, freePort } from './app-process';
import type { BenchProxy } from './protocol';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const CPU_PROFILE_DIR = process.env['XDS_BENCH_CPU_PROFILE_DIR'] ?? '';
/** More node options for xds-server, e.g. `--heapsnapshot-signal=SIGUSR2`. */
const XDS_NODE_ARGS = (process.env['XDS_BENCH_XDS_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
/** Shared by api-gateway and xds-server, so the harness can sign the proxies' tokens itself. */
export const PROXY_TOKEN_SECRET = 'bench-proxy-token-secret';
const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password' };
const OWNER = { email: 'owner@bench.test', password: 'bench-owner-password' };
export const CLUSTER_NAME = 'backend';

/** How big the tenant's config is. */
export interface ConfigShape {
  endpoints: number;
  routeConfigs: number;
  routesPerConfig: number;
}

/** `count` endpoints; `variant` changes their ports, not the encoded size. */
export function endpoints(count: number, variant: number) {
  return Array.from({ length: count }, (_, i) => ({
    address: `10.${(i >> 8) & 255}.${i & 255}.${variant % 200}`,
    port: 8000 + (variant % 1000),
  }));
}

/** Route configuration `index`; `variant` changes one route's prefix (same length). */
export function routeConfiguration(index: number, routes: number, variant = 0) {
  const route = (j: number) => ({
    match: { prefix: `/svc-${index}/path-${j}/${j === 0 ? ((variant - 1) % 9) + 1 : 0}` },
    action: { cluster: CLUSTER_NAME },
  });
  return {
    virtualHosts: [
      { name: 'all', domains: ['*'], routes: Array.from({ length: routes }, (_, j) => route(j)) },
    ],
  };
}

export class BenchFleet {
  private token = '';

  private constructor(
    readonly database: TestDatabase,
    private readonly api: AppProcess,
    readonly apiUrl: string,
    readonly tenantId: string,
    readonly proxies: BenchProxy[],
    readonly routeNames: string[],
  ) {}

  static async start(proxyCount: number, shape: ConfigShape): Promise<BenchFleet> {
    const database = await createTestDatabase();
    const port = await freePort();
    const api = await AppProcess.start(
      'api-gateway',
      {
        DATABASE_URL: database.appUrl,
        NATS_URL,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        JWT_SECRET: 'bench-jwt-secret',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        PROXY_TOKEN_SECRET,
      },
      port,
    );
    const apiUrl = `http://127.0.0.1:${port}`;
    const admin = await login(apiUrl, ADMIN);
    const tenant = await call<{ id: string }>(apiUrl, admin, 'POST', '/v1/tenants', {
      name: 'bench',
      owner: OWNER,
    });
    const owner = await login(apiUrl, OWNER);
    const declare = (path: string, body: unknown) => call(apiUrl, owner, 'POST', path, body);
    await declare('/v1/clusters', { name: CLUSTER_NAME, endpoints: endpoints(shape.endpoints, 0) });
    const routeNames = Array.from({ length: shape.routeConfigs }, (_, i) => `routes-${i}`);
    for (const [i, name] of routeNames.entries()) {
      await declare('/v1/route-configurations', { name, ...routeConfiguration(i, shape.routesPerConfig) });
    }
    await declare('/v1/listeners', { name: 'ingress', port: 10000, routeConfigName: 'routes-0' });
    const proxies = await registerProxies(database.adminUrl, tenant.id, proxyCount);
    const fleet = new BenchFleet(database, api, apiUrl, tenant.id, proxies, routeNames);
    fleet.token = owner;
    return fleet;
  }

  /** A write through the API as the tenant's owner. */
  put(path: string, body: unknown): Promise<unknown> {
    return call(this.apiUrl, this.token, 'PUT', path, body);
  }

  /** Starts a fresh xds-server on the fleet's database (no stream admission limit, no CSDS). */
  async startXdsServer(): Promise<{ app: AppProcess; uri: string; heapUsed: () => Promise<number> }> {
    const [httpPort, xdsPort] = [await freePort(), await freePort()];
    const app = await AppProcess.start(
      'xds-server',
      {
        DATABASE_URL: this.database.appUrl,
        NATS_URL,
        HTTP_PORT: String(httpPort),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        XDS_PORT: String(xdsPort),
        XDS_HOST: '127.0.0.1',
        XDS_CSDS_PORT: '-1',
        XDS_MAX_NEW_STREAMS_PER_SECOND: '0',
        PROXY_TOKEN_SECRET,
      },
      httpPort,
      // V8's tick log of xds-server (`node --prof-process` reads it); --cpu-prof would be lost,
      // since Nest re-raises SIGTERM after its shutdown hooks.
      [
        ...(CPU_PROFILE_DIR
          ? [
              '--prof',
              '--no-logfile-per-isolate',
              `--logfile=${CPU_PROFILE_DIR}/xds-server-${Date.now()}.log`,
            ]
          : []),
        ...XDS_NODE_ARGS,
      ],
    );
    const heapUsed = async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(metrics)?.[1] ?? Number.NaN);
    };
    return { app, uri: `127.0.0.1:${xdsPort}`, heapUsed };
  }

  async stop(): Promise<void> {
    await this.api.stop();
    await this.database.drop();
  }
}

/** Registers `count` proxies of the tenant with one multi-row INSERT (the API would take minutes). */
async function registerProxies(adminUrl: string, tenantId: string, count: number): Promise<BenchProxy[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const inserted = await client.query<{ id: string; node_id: string }>(
      `INSERT INTO proxies (tenant_id, node_id)
       SELECT $1, 'bench-node-' || g FROM generate_series(0, $2::int - 1) AS g
       RETURNING id, node_id`,
      [tenantId, count],
    );
    const proxies = inserted.rows.map((row) => ({ proxyId: row.id, nodeId: row.node_id }));
    return proxies.sort((a, b) => Number(a.nodeId.slice(11)) - Number(b.nodeId.slice(11)));
  } finally {
    await client.end();
  }
}

async function login(apiUrl: string, who: { email: string; password: string }): Promise<string> {
  return (await call<{ accessToken: string }>(apiUrl, '', 'POST', '/v1/auth/token', who)).accessToken;
}

async function call<T>(
  apiUrl: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== '') headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${apiUrl}${path}`, { method, headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

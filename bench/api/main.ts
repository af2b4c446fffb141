// `npm run bench:api`: api-gateway (built, its own process, on PostgreSQL, Redis and NATS)
// against a bare node:http server making the same Redis and PostgreSQL calls, under autocannon:
// a cached GET (a hot object read again and again), an uncached GET and a POST (to one tenant, and
// spread over API_BENCH_TENANTS tenants), and GET /healthz (no I/O). For each: the maximum rate,
// then latency at 70 % of it; writes also at 1,000/s. API_BENCH_ONLY picks scenarios;
// API_BENCH_PROFILE=<folder> writes a CPU profile of api-gateway. See README.md, "Benchmarks".
import { createTestDatabase } from '@envoy-fleet/testing';
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { AppProcess, freePort } from '../xds/app-process';
import { measureDatabaseCeiling } from './db-ceiling';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const SECONDS = Number(env('API_BENCH_SECONDS', '5'));
/** Maximum-rate rounds per server, alternating api-gateway and bare; each keeps its best. */
const ROUNDS = Number(env('API_BENCH_ROUNDS', '3'));
/** Seconds of unrecorded load on each server before a scenario's rounds (JIT, pools, caches). */
const WARM_UP_SECONDS = 2;
const CONNECTIONS = Number(env('API_BENCH_CONNECTIONS', '32'));
const WRITE_RATE = Number(env('API_BENCH_WRITE_RATE', '1000'));
/** Tenants the spread POST writes to, round robin (each tenant's writes queue on its row lock). */
const TENANTS = Number(env('API_BENCH_TENANTS', '8'));
/** Scenarios to run (comma-separated): cached, uncached, post, post-spread, healthz, db-ceiling. */
const ONLY = new Set(env('API_BENCH_ONLY', 'cached,uncached,post,post-spread,healthz,db-ceiling').split(','));
/** A folder: profile both api-gateways, one file each, written there at the end (cpu-profile.cjs). */
const PROFILE = process.env['API_BENCH_PROFILE'];
const NATS_URL = env('TEST_NATS_URL', 'nats://127.0.0.1:4222');
const REDIS_URL = env('TEST_REDIS_URL', 'redis://127.0.0.1:6379');
const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password' };
const OWNER = { email: 'owner@bench.test', password: 'bench-owner-password' };
const HOT = 'hot';

interface Target {
  name: string;
  url: string;
  /** The server's process, whose CPU time each measurement reads. */
  pid: number;
  headers: Record<string, string>;
  /** Headers each request adds, round robin (the spread POST's tenants). */
  spread?: Record<string, string>[];
}
interface Measured {
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  /** CPU time (user + system) the server process spent per answered request, in µs. */
  cpuUs: number;
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(
  target: Target,
  path: string,
  options: { method?: string; rate?: number; post?: boolean; seconds?: number },
) {
  let n = 0;
  const spread = target.spread;
  const authorize = (request: autocannon.Request) =>
    spread ? { ...request.headers, ...spread[n % spread.length] } : request.headers;
  const requests = options.post
    ? [
        {
          method: 'POST',
          path,
          setupRequest: (request: autocannon.Request) => ({
            ...request,
            headers: authorize(request),
            body: JSON.stringify({
              name: `c-${process.pid}-${Date.now().toString(36)}-${n++}`,
              endpoints: [{ address: '10.0.0.1', port: 8080 }],
            }),
          }),
        },
      ]
    : [
        {
          method: options.method ?? 'GET',
          path,
          ...(spread ? { setupRequest: (r: autocannon.Request) => ({ ...r, headers: authorize(r) }) } : {}),
        },
      ];
  const cpuBefore = cpuSeconds(target.pid);
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: options.seconds ?? SECONDS,
    headers: { ...target.headers, 'content-type': 'application/json' },
    requests,
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
  });
  const measured: Measured = {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
    cpuUs: ((cpuSeconds(target.pid) - cpuBefore) * 1e6) / Math.max(1, result.requests.total),
  };
  return measured;
}

async function json<T>(url: string, method: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  const database = await createTestDatabase();
  const processes: { stop(): Promise<void> }[] = [];
  try {
    const apiEnv = (port: number, cacheTtlMs: string) => ({
      DATABASE_URL: database.appUrl,
      NATS_URL,
      REDIS_URL,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Counted as usual (one Redis call per request) but never refusing the bench.
      QUOTA_REQUESTS_PER_SECOND: '1000000000',
      QUOTA_CLUSTERS: '1000000000',
      READ_CACHE_TTL_MS: cacheTtlMs,
    });
    // Two replicas of the same build: one with the read cache as shipped, one without it.
    const [cachedPort, uncachedPort, barePort] = [await freePort(), await freePort(), await freePort()];
    const profiled = [
      ...(PROFILE ? ['--require', resolve(__dirname, 'cpu-profile.cjs')] : []),
      ...(process.env['API_BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
    ];
    const cachedApi = await AppProcess.start(
      'api-gateway',
      { ...apiEnv(cachedPort, '30000'), ...(PROFILE ? { API_BENCH_PROFILE: PROFILE } : {}) },
      cachedPort,
      profiled,
    );
    processes.push(cachedApi);
    const uncachedApi = await AppProcess.start(
      'api-gateway',
      { ...apiEnv(uncachedPort, '0'), ...(PROFILE ? { API_BENCH_PROFILE: PROFILE } : {}) },
      uncachedPort,
      profiled,
    );
    processes.push(uncachedApi);
    const api = `http://127.0.0.1:${cachedPort}`;

    const admin = await json<{ accessToken: string }>(`${api}/v1/auth/token`, 'POST', ADMIN);
    const tenant = await json<{ id: string }>(
      `${api}/v1/tenants`,
      'POST',
      { name: 'bench', owner: OWNER },
      admin.accessToken,
    );
    const owner = await json<{ accessToken: string }>(`${api}/v1/auth/token`, 'POST', OWNER);
    const hot = {
      name: HOT,
      endpoints: Array.from({ length: 5 }, (_, i) => ({ address: `10.1.0.${i}`, port: 80 })),
    };
    await json(`${api}/v1/clusters`, 'POST', hot, owner.accessToken);
    const spreadTenants: { id: string; token: string }[] = [];
    for (let i = 0; (ONLY.has('post-spread') || ONLY.has('db-ceiling')) && i < TENANTS; i++) {
      const spreadOwner = { email: `owner-${i}@bench.test`, password: OWNER.password };
      const made = await json<{ id: string }>(
        `${api}/v1/tenants`,
        'POST',
        { name: `bench-${i}`, owner: spreadOwner },
        admin.accessToken,
      );
      const token = await json<{ accessToken: string }>(`${api}/v1/auth/token`, 'POST', spreadOwner);
      spreadTenants.push({ id: made.id, token: token.accessToken });
    }

    const bare = fork(resolve(__dirname, 'bare-server.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        PORT: String(barePort),
        DATABASE_URL: database.appUrl,
        REDIS_URL,
        TENANT_ID: tenant.id,
      },
    });
    processes.push({
      stop: () =>
        new Promise<void>((done) => {
          if (bare.exitCode !== null) return done();
          bare.once('exit', () => done());
          bare.kill('SIGTERM');
        }),
    });
    await new Promise<void>((done, fail) => {
      bare.once('message', () => done());
      bare.once('exit', (code) => fail(new Error(`bare server exited with ${code}`)));
    });

    const auth = { authorization: `Bearer ${owner.accessToken}` };
    const targets = {
      cached: {
        name: 'api-gateway (read cache)',
        url: `http://127.0.0.1:${cachedPort}`,
        pid: cachedApi.pid,
        headers: auth,
      },
      uncached: {
        name: 'api-gateway (no read cache)',
        url: `http://127.0.0.1:${uncachedPort}`,
        pid: uncachedApi.pid,
        headers: auth,
      },
      bare: { name: 'bare node:http', url: `http://127.0.0.1:${barePort}`, pid: bare.pid ?? -1, headers: {} },
    };
    // The hot object, read twice so both sides serve it from the cache.
    for (let i = 0; i < 2; i++) {
      await fetch(`${targets.cached.url}/v1/clusters/${HOT}`, { headers: auth });
      await fetch(`${targets.bare.url}/cached/${HOT}`);
    }
    const cacheHeader = (
      await fetch(`${targets.cached.url}/v1/clusters/${HOT}`, { headers: auth })
    ).headers.get('x-fleet-cache');

    // The same tenants for both: api-gateway's callers name theirs with a token, the bare server's with a header.
    const spread = {
      ...targets.cached,
      spread: spreadTenants.map((tenant) => ({ authorization: `Bearer ${tenant.token}` })),
    };
    const bareSpread = {
      ...targets.bare,
      spread: spreadTenants.map((tenant) => ({ 'x-tenant-id': tenant.id })),
    };
    const allScenarios = [
      {
        key: 'cached',
        name: 'cached GET',
        api: targets.cached,
        apiPath: `/v1/clusters/${HOT}`,
        barePath: `/cached/${HOT}`,
      },
      {
        key: 'uncached',
        name: 'uncached GET',
        api: targets.uncached,
        apiPath: `/v1/clusters/${HOT}`,
        barePath: `/uncached/${HOT}`,
      },
      {
        key: 'post',
        name: 'POST',
        api: targets.cached,
        apiPath: '/v1/clusters',
        barePath: '/clusters',
        post: true,
      },
      {
        key: 'post-spread',
        name: `POST over ${TENANTS} tenants`,
        api: spread,
        apiPath: '/v1/clusters',
        barePath: '/clusters',
        post: true,
      },
      // No I/O at all: what the framework and the hooks every request passes through cost.
      { key: 'healthz', name: 'GET /healthz (no I/O)', api: targets.cached, apiPath: '/healthz' },
    ];
    const scenarios = allScenarios.filter((scenario) => ONLY.has(scenario.key));
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const post = scenario.post ?? false;
      // The bare server has no /healthz: no second column there.
      const bare = scenario.barePath;
      const bareTarget = scenario.key === 'post-spread' ? bareSpread : targets.bare;
      const sides = [
        { target: scenario.api, path: scenario.apiPath },
        ...(bare === undefined ? [] : [{ target: bareTarget, path: bare }]),
      ];
      for (const side of sides) await load(side.target, side.path, { post, seconds: WARM_UP_SECONDS });
      // Alternating rounds, best of each: the machine's other work moves single runs a lot.
      const best = sides.map(() => undefined as Measured | undefined);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, side] of sides.entries()) {
          const measured = await load(side.target, side.path, { post });
          if (!best[i] || measured.rps > best[i].rps) best[i] = measured;
        }
      }
      const [apiMax, bareMax] = best as [Measured, Measured | undefined];
      const apiAt70 = await load(scenario.api, scenario.apiPath, { post, rate: apiMax.rps * 0.7 });
      if (bare === undefined || !bareMax) {
        rows.push(
          `| ${scenario.name} | ${fmt(apiMax.rps)} | | | ${fmt(apiMax.cpuUs)} | ${apiAt70.p99} ms (${fmt(apiAt70.rps)}/s) | | ` +
            `${apiMax.failed + apiAt70.failed} / |`,
        );
      } else {
        const bareAt70 = await load(bareTarget, bare, { post, rate: bareMax.rps * 0.7 });
        rows.push(
          `| ${scenario.name} | ${fmt(apiMax.rps)} | ${fmt(bareMax.rps)} | ${(apiMax.rps / bareMax.rps).toFixed(2)}x | ` +
            `${fmt(apiMax.cpuUs)} / ${fmt(bareMax.cpuUs)} | ` +
            `${apiAt70.p99} ms (${fmt(apiAt70.rps)}/s) | ${bareAt70.p99} ms (${fmt(bareAt70.rps)}/s) | ` +
            `${apiMax.failed + apiAt70.failed} / ${bareMax.failed + bareAt70.failed} |`,
        );
      }
      if (post && bare !== undefined) {
        // The target's rate offered to both: what each achieves, and its latency meanwhile.
        const api = await load(scenario.api, scenario.apiPath, { post, rate: WRITE_RATE });
        const base = await load(bareTarget, bare, { post, rate: WRITE_RATE });
        rows.push(
          `| ${scenario.name}, ${fmt(WRITE_RATE)}/s offered | ${fmt(api.rps)} achieved | ${fmt(base.rps)} achieved | | ` +
            `${fmt(api.cpuUs)} / ${fmt(base.cpuUs)} | ` +
            `${api.p99} ms (p50 ${api.p50} ms) | ${base.p99} ms (p50 ${base.p50} ms) | ${api.failed} / ${base.failed} |`,
        );
      }
    }
    console.log(`\ncached GET answered with x-fleet-cache: ${cacheHeader ?? '(none: no read cache)'}`);
    console.log(
      `${CONNECTIONS} connections; maximum: best of ${ROUNDS} alternating rounds of ${SECONDS} s after ` +
        `${WARM_UP_SECONDS} s of warm-up; p99: one run of ${SECONDS} s at 70 % of that maximum\n`,
    );
    console.log(
      '| request | api-gateway max req/s | bare max req/s | api / bare | CPU µs per request (api / bare) | api p99 at 70 % of its max | bare p99 at 70 % of its max | failed (api / bare) |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
    const admin2 = new Client({ connectionString: database.adminUrl });
    await admin2.connect();
    const { rows: counted } = await admin2.query('SELECT count(*)::int AS n FROM clusters');
    await admin2.end();
    if (PROFILE) {
      for (const profiledApi of [cachedApi, uncachedApi]) process.kill(profiledApi.pid, 'SIGWINCH');
      await new Promise((done) => setTimeout(done, 2000));
      console.log(
        `CPU profiles of both api-gateways (by pid; the cached one started first) written to ${PROFILE}`,
      );
    }
    if (ONLY.has('db-ceiling')) {
      const tenantIds = spreadTenants.map((spreadTenant) => spreadTenant.id);
      // With the servers stopped: nothing else writes, relays or publishes meanwhile.
      await Promise.all(processes.splice(0).map((p) => p.stop()));
      const ceiling = measureDatabaseCeiling(database.appUrl, tenantIds, SECONDS);
      console.log(
        ceiling
          ? `\nPostgreSQL alone (pgbench, 8 clients over ${tenantIds.length} tenants, the same statements): ` +
              ceiling
                .map(
                  (run) =>
                    `${fmt(run.writesPerSecond)} creates/s with ${run.writesPerTransaction} per transaction (average ${run.latencyMs} ms per transaction)`,
                )
                .join('; ')
          : '\nPostgreSQL alone: skipped (no pgbench; Debian has it in postgresql-client)',
      );
    }
    console.log(`\nclusters written: ${(counted[0] as { n: number }).n}`);
    console.log(
      `load average after: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await database.drop();
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

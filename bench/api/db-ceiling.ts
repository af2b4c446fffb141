// PostgreSQL alone: the statements of a cluster create, as api-gateway makes them, run by pgbench
// (PostgreSQL's own load generator, in C) over the bench's tenants. With next to no client cost,
// it is what this machine's database takes: the ceiling of any server writing through it here.
import { CLUSTER_STATEMENTS } from '@envoy-fleet/data-access';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COUNT_CLUSTERS, endpointRows, LOCK_TENANT, RECORD_CHANGE } from './write-statements';

const ENDPOINTS = endpointRows([{ address: '10.0.0.1', port: 8080 }]);

/** `sql` on one line with $1, $2 ... replaced by `values` (pgbench variables or literals). */
function bind(sql: string, values: string[]): string {
  return sql
    .replace(/\$(\d+)/g, (_, k: string) => values[Number(k) - 1] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A pgbench script: one transaction of `writes` cluster creates for a random one of `tenants`. */
function script(tenants: string[], writes: number): string {
  const lines = [
    `\\set t random(1, ${tenants.length})`,
    `SELECT (ARRAY[${tenants.map((t) => `'${t}'`).join(',')}])[:t] AS tenant \\gset`,
    'BEGIN;',
    "SELECT set_config('app.tenant_id', :tenant, true);",
    `${bind(LOCK_TENANT, [':tenant'])};`,
    `${bind(COUNT_CLUSTERS, [':tenant'])};`,
  ];
  for (let i = 0; i < writes; i++) {
    lines.push(
      "SELECT 'db-' || md5(random()::text) AS name, gen_random_uuid()::text AS msgid \\gset",
      `${bind(CLUSTER_STATEMENTS.createOne, [':tenant', ':name', "'ROUND_ROBIN'", '5000', 'false', "'{}'", `'${ENDPOINTS}'`])};`,
      `${bind(RECORD_CHANGE, [':tenant', "'pgbench'", "'{}'", ':name', "'{}'", "'fleet.config.updated.x'", "'{}'", ':msgid'])};`,
    );
  }
  lines.push('COMMIT;');
  return `${lines.join('\n')}\n`;
}

export interface CeilingRun {
  writesPerTransaction: number;
  writesPerSecond: number;
  latencyMs: number;
}

/**
 * Runs pgbench (8 clients, 2 threads) for `seconds` with one create per transaction and with four;
 * undefined when pgbench is not installed (Debian's postgresql-client has it).
 */
export function measureDatabaseCeiling(
  databaseUrl: string,
  tenants: string[],
  seconds: number,
): CeilingRun[] | undefined {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const folder = mkdtempSync(join(tmpdir(), 'db-ceiling-'));
  try {
    return [1, 4].map((writes) => {
      const file = join(folder, `writes-${writes}.sql`);
      writeFileSync(file, script(tenants, writes));
      const args = [
        '-n',
        '-M',
        'extended',
        '-f',
        file,
        '-c',
        '8',
        '-j',
        '2',
        '-T',
        String(seconds),
        databaseUrl,
      ];
      const output = execFileSync('pgbench', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const tps = Number(/^tps = ([\d.]+)/m.exec(output)?.[1]);
      const latency = Number(/^latency average = ([\d.]+) ms/m.exec(output)?.[1]);
      if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${output}`);
      return { writesPerTransaction: writes, writesPerSecond: tps * writes, latencyMs: latency };
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

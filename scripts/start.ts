// `npm start`: sets up the database and runs every app as its own process against PostgreSQL,
// NATS and Redis on loopback, with their output prefixed by app name. Ctrl-C stops them all.
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_ADMIN_URL, setupDatabase } from './db/setup';

const APPS = ['api-gateway', 'xds-server', 'webhook-service', 'metrics-service', 'node-agent'];
const ROOT = resolve(__dirname, '..');
const children = new Map<string, ChildProcess>();
let stopping = false;

function run(app: string): void {
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps', app, 'src/main.js')], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(app, child);
  const prefix = `[${app}]`.padEnd(18);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`${prefix} ${line}`));
  }
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (stopping) return;
    console.error(`${prefix} exited (${signal ?? code}); stopping the fleet`);
    stop(1);
  });
}

function stop(code: number): void {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  const deadline = setTimeout(() => process.exit(code), 5000);
  const wait = setInterval(() => {
    if (children.size > 0) return;
    clearInterval(wait);
    clearTimeout(deadline);
    process.exit(code);
  }, 50);
}

async function main(): Promise<void> {
  const adminUrl = process.env['DATABASE_ADMIN_URL'] || DEFAULT_ADMIN_URL;
  const applied = await setupDatabase(adminUrl);
  console.log(`database ${new URL(adminUrl).pathname.slice(1)} ready (${applied.length} migrations applied)`);
  for (const app of APPS) run(app);
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

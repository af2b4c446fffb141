// `npm start`: every app of the fleet in this one process, on PostgreSQL, NATS and Redis where
// their URLs are set and on the embedded stand-ins where not. Production runs one app per container.
import { loadConfig } from '@envoy-fleet/config';
import { applyMigrations, createDatabaseIfMissing, findMigrationsDir } from '@envoy-fleet/db-migrations';
import { AppDefinition, startApp } from '@envoy-fleet/observability';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { envFor, FLEET_APPS } from './app-env';
import { describeBackingServices, FleetConfig } from './fleet-config';

const started: { name: string; app: NestFastifyApplication; config: object }[] = [];
let stopping = false;

/** The built app next to this one: apps may not import each other, so it is loaded by path. */
async function definitionOf(name: string): Promise<AppDefinition> {
  const module = (await import(join(__dirname, '..', '..', name, 'src', 'app.js'))) as { app: AppDefinition };
  return module.app;
}

async function migrateServer(config: FleetConfig): Promise<void> {
  if (!config.DATABASE_ADMIN_URL) return;
  await createDatabaseIfMissing(config.DATABASE_ADMIN_URL);
  const result = await applyMigrations(config.DATABASE_ADMIN_URL, findMigrationsDir());
  console.log(`database migrated (${result.applied.length} migrations applied)`);
}

async function stop(code: number): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: the user does not want to wait for a clean close.
    process.exit(code || 1);
  }
  stopping = true;
  // Last started first: node-agent and the others let go before the API and the database.
  for (const { name, app } of started.reverse()) {
    await app.close().catch((error: unknown) => console.error(`${name} did not close cleanly:`, error));
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const config = loadConfig(FleetConfig, process.env);
  await migrateServer(config);
  for (const name of FLEET_APPS) {
    const { app, config } = await startApp(await definitionOf(name), envFor(name, process.env), {
      shutdownHooks: false,
    });
    started.push({ name, app, config });
  }
  console.log(await banner(config));
}

/** What runs where: every app's HTTP address, the gRPC ports, and which backing services are in use. */
async function banner(config: FleetConfig): Promise<string> {
  const lines = await Promise.all(
    started.map(async ({ name, app }) => `${name.padEnd(16)} ${await app.getUrl()}`),
  );
  const configOf = (name: string) => started.find((s) => s.name === name)?.config as Record<string, unknown>;
  const [xds, metrics] = [configOf('xds-server'), configOf('metrics-service')];
  const at = (label: string, host: unknown, port: unknown) =>
    `${label.padEnd(16)} ${String(host)}:${String(port)}`;
  lines.push(
    at('xDS gRPC', xds['XDS_HOST'], xds['XDS_PORT']),
    at('CSDS', xds['XDS_CSDS_HOST'], xds['XDS_CSDS_PORT']),
    at('StreamMetrics', metrics['METRICS_GRPC_HOST'], metrics['METRICS_GRPC_PORT']),
    ...describeBackingServices(config),
  );
  return ['', 'Envoy Fleet is running:', ...lines.map((line) => `  ${line}`), ''].join('\n');
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch((error: unknown) => {
  if (stopping) return; // an app still starting when Ctrl-C came: already on the way out
  console.error(error instanceof Error ? error.message : error);
  void stop(1);
});

import { randomBytes } from 'node:crypto';
import { applyMigrations, findMigrationsDir } from '@envoy-fleet/db-migrations';
import { Client } from 'pg';

/** A migrated, throw-away database on the test PostgreSQL server. */
export interface TestDatabase {
  /** Its name, `fleet_test_<random>`. */
  name: string;
  /** URL as the superuser (bypasses row-level security): for setup and inspection only. */
  adminUrl: string;
  /** URL as fleet_app, the role the services use: row-level security applies. */
  appUrl: string;
  /** Drops the database, closing any connections still open to it. */
  drop(): Promise<void>;
}

// Tests are the one place allowed to read the environment directly: there is no app config here.
function serverAdminUrl(): string {
  return process.env['TEST_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function withDatabase(url: string, database: string, user?: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (user !== undefined) {
    parsed.username = user;
    parsed.password = '';
  }
  return parsed.toString();
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database, applies prisma/migrations to it, and returns its URLs. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `fleet_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const adminUrl = withDatabase(serverAdminUrl(), name);
  try {
    await applyMigrations(adminUrl, findMigrationsDir());
  } catch (err) {
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw err;
  }
  return {
    name,
    adminUrl,
    appUrl: withDatabase(serverAdminUrl(), name, 'fleet_app'),
    drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

// Creates the database if it does not exist yet, then applies prisma/migrations to it.
// Usage: DATABASE_ADMIN_URL=postgres://postgres@127.0.0.1:5432/fleet npm run db:setup
import { resolve } from 'node:path';
import { Client } from 'pg';
import { applyMigrations } from '@envoy-fleet/db-migrations';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/fleet';

/** Ensures the database named in `adminUrl` exists (connecting to `postgres` to create it) and migrates it. */
export async function setupDatabase(adminUrl: string): Promise<string[]> {
  const target = new URL(adminUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const server = new URL(adminUrl);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  const result = await applyMigrations(adminUrl, resolve(__dirname, '../../prisma/migrations'));
  return result.applied;
}

if (require.main === module) {
  setupDatabase(process.env['DATABASE_ADMIN_URL'] || DEFAULT_ADMIN_URL)
    .then((applied) => console.log(`database ready (${applied.length} migrations applied)`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** An empty database on the test server (the testing lib's databases come already migrated, by this lib). */
export interface BareDatabase {
  adminUrl: string;
  drop(): Promise<void>;
}

// Tests are the one place allowed to read the environment directly: there is no app config here.
const SERVER_URL = process.env['TEST_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBareDatabase(): Promise<BareDatabase> {
  const name = `fleet_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return { adminUrl: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

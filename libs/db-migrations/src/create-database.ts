import { Client } from 'pg';

/**
 * Creates the database named in `adminUrl` if it does not exist yet, connecting to the server's
 * `postgres` database to do it. Returns true when it was created.
 */
export async function createDatabaseIfMissing(adminUrl: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
  const server = new URL(adminUrl);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount !== 0) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

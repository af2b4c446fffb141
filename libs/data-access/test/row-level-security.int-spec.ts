import { Database } from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { Client } from 'pg';
import { twoTenantsWithClusters } from './fixtures';

// Row-level security as a raw fleet_app connection sees it; the same rules through Database, on
// PostgreSQL and PGlite alike, are in database.contract.int-spec.ts.
describe('row-level security', () => {
  let db: TestDatabase;
  let database: Database;
  let tenantA: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    database = Database.connect(db.appUrl);
    ({ tenantA } = await twoTenantsWithClusters(database));
  });

  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  it('connects as a role that is neither superuser nor BYPASSRLS', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT current_user AS user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
      );
      expect(rows[0]).toEqual({ user: 'fleet_app', rolsuper: false, rolbypassrls: false });
    } finally {
      await client.end();
    }
  });

  it('shows nothing, and refuses inserts, when no tenant is set', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      expect((await client.query('SELECT * FROM clusters')).rows).toEqual([]);
      expect((await client.query('SELECT * FROM tenants')).rows).toEqual([]);
      await expect(
        client.query(`INSERT INTO clusters (tenant_id, name) VALUES ($1, 'sneaky')`, [tenantA]),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await client.end();
    }
  });

  it('treats the empty setting left after a tenant transaction as no tenant', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
      expect((await client.query('SELECT name FROM clusters')).rows).toEqual([{ name: 'a-backend' }]);
      await client.query('COMMIT');
      expect((await client.query(`SELECT current_setting('app.tenant_id', true) AS v`)).rows[0].v).toBe('');
      expect((await client.query('SELECT * FROM clusters')).rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

import { ClusterRepository, Database, TenantRepository } from '../src';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { Client } from 'pg';
import { sampleCluster } from './fixtures';

// Row-level security is checked through the same Database the services use, connected as fleet_app.
describe('row-level security', () => {
  let db: TestDatabase;
  let database: Database;
  const tenants = new TenantRepository();
  const clusters = new ClusterRepository();
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    database = new Database(db.appUrl);
    tenantA = (await database.asSystem((tx) => tenants.create(tx, 'tenant-a'))).id;
    tenantB = (await database.asSystem((tx) => tenants.create(tx, 'tenant-b'))).id;
    await database.forTenant(tenantA, (tx) => clusters.create(tx, tenantA, sampleCluster('a-backend')));
    await database.forTenant(tenantB, (tx) => clusters.create(tx, tenantB, sampleCluster('b-backend')));
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

  it('shows a tenant only its own rows, and its own tenant row', async () => {
    const seen = await database.forTenant(tenantA, async (tx) => ({
      clusters: (await tx.cluster.findMany()).map((c) => c.name),
      endpoints: await tx.endpoint.count(),
      tenants: (await tx.tenant.findMany()).map((t) => t.name),
    }));
    expect(seen).toEqual({ clusters: ['a-backend'], endpoints: 2, tenants: ['tenant-a'] });
    await expect(
      database.forTenant(tenantA, (tx) => clusters.get(tx, tenantB, 'b-backend')),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("refuses a tenant's insert of another tenant's rows", async () => {
    await expect(
      database.forTenant(tenantA, (tx) => clusters.create(tx, tenantB, sampleCluster('planted'))),
    ).rejects.toThrow(/row-level security/);
    const names = await database.asSystem(async (tx) => (await tx.cluster.findMany()).map((c) => c.name));
    expect(names).not.toContain('planted');
  });

  it('lets the system role see every tenant', async () => {
    const seen = await database.asSystem(async (tx) => ({
      clusters: (await tx.cluster.findMany({ orderBy: { name: 'asc' } })).map((c) => c.name),
      tenants: await tx.tenant.count(),
    }));
    expect(seen).toEqual({ clusters: ['a-backend', 'b-backend'], tenants: 2 });
  });

  it('answers ping', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });
});

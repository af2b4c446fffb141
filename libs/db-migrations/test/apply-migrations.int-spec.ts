import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, readMigrations } from '../src';
import { createBareDatabase, type BareDatabase } from './bare-database';

const MIGRATIONS_DIR = resolve(__dirname, '../../../prisma/migrations');

describe('applyMigrations', () => {
  let db: BareDatabase;
  let admin: Client;

  beforeAll(async () => {
    db = await createBareDatabase();
    await applyMigrations(db.adminUrl, MIGRATIONS_DIR);
    admin = new Client({ connectionString: db.adminUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  it('records every migration with the sha256 of its file, as Prisma does', async () => {
    const { rows } = await admin.query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    const files = readMigrations(MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const file of files) {
      const sql = readFileSync(join(MIGRATIONS_DIR, file.name, 'migration.sql'));
      const row = rows.find((r) => r.migration_name === file.name);
      expect(row?.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row?.applied_steps_count).toBe(1);
    }
  });

  it('creates _prisma_migrations with the columns Prisma expects', async () => {
    const { rows } = await admin.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(rows.map((r) => r.column_name)).toEqual([
      'id',
      'checksum',
      'finished_at',
      'migration_name',
      'logs',
      'rolled_back_at',
      'started_at',
      'applied_steps_count',
    ]);
  });

  it('is idempotent: a second run applies nothing', async () => {
    const result = await applyMigrations(db.adminUrl, MIGRATIONS_DIR);
    expect(result.applied).toEqual([]);
    expect(result.skipped).toEqual(readMigrations(MIGRATIONS_DIR).map((f) => f.name));
  });

  it('serializes concurrent runners on the advisory lock', async () => {
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(db.adminUrl, MIGRATIONS_DIR)));
    expect(results.every((r) => r.applied.length === 0)).toBe(true);
  });

  it('refuses to run when an applied migration was modified', async () => {
    const [first] = readMigrations(MIGRATIONS_DIR);
    await admin.query(`UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = $1`, [
      first?.name,
    ]);
    try {
      await expect(applyMigrations(db.adminUrl, MIGRATIONS_DIR)).rejects.toThrow(
        /modified after it was applied/,
      );
    } finally {
      await admin.query(`UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2`, [
        first?.checksum,
        first?.name,
      ]);
    }
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationSession, postgresSession } from './migration-session';

// The same key `prisma migrate deploy` locks, so this runner and Prisma's never run at once.
const PRISMA_ADVISORY_LOCK = 72707369;

// Prisma's own DDL for its history table, so `prisma migrate status/deploy` can read what we write.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** One migration directory read from disk. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** What a run of the migration runner did. */
export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Reads `<dir>/<name>/migration.sql` files in name order, with Prisma's sha256 checksum. */
export function readMigrations(migrationsDir: string): MigrationFile[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql, 'utf8').digest('hex') };
    });
}

/**
 * Applies the pending migrations of `migrationsDir` to the database at `adminUrl`, or in an open
 * session (PGlite), each in its own transaction, recording them in `_prisma_migrations` the way
 * `prisma migrate deploy` does. Refuses to run when an applied migration was edited or a
 * previous one failed.
 */
export async function applyMigrations(
  target: string | MigrationSession,
  migrationsDir: string,
): Promise<MigrationResult> {
  const migrations = readMigrations(migrationsDir);
  const session = typeof target === 'string' ? await postgresSession(target) : target;
  try {
    await session.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await session.script(CREATE_MIGRATIONS_TABLE);
    const applied = await appliedMigrations(session);
    checkHistory(migrations, applied);
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const migration of migrations) {
      if (applied.has(migration.name)) {
        result.skipped.push(migration.name);
        continue;
      }
      await applyOne(session, migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    // Ending a server session also releases the advisory lock; unlock explicitly to keep it short
    // (and because a PGlite session outlives the run).
    await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await session.end();
  }
}

async function appliedMigrations(session: MigrationSession): Promise<Map<string, AppliedRow>> {
  const rows = await session.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return new Map(rows.map((row) => [row.migration_name, row]));
}

function checkHistory(migrations: MigrationFile[], applied: Map<string, AppliedRow>): void {
  for (const row of applied.values()) {
    if (row.finished_at === null) {
      throw new Error(`migration ${row.migration_name} failed earlier; resolve it before migrating again`);
    }
  }
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new Error(`migration ${migration.name} was modified after it was applied (checksum differs)`);
    }
  }
}

async function applyOne(session: MigrationSession, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  await session.script('BEGIN');
  try {
    await session.script(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations"
         (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await session.script('COMMIT');
  } catch (err) {
    await session.script('ROLLBACK');
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`migration ${migration.name} failed and was rolled back: ${reason}`, { cause: err });
  }
}

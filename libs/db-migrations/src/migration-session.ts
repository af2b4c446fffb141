import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';

/** One database session the migration runner works in: PostgreSQL over the wire, or PGlite in-process. */
export interface MigrationSession {
  /** One statement with `$n` parameters. */
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** A script of many statements, without parameters (Prisma's migration files). */
  script(sql: string): Promise<void>;
  end(): Promise<void>;
}

/** A session on the PostgreSQL server at `url` (a role that may create roles and tables). */
export async function postgresSession(url: string): Promise<MigrationSession> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    // A simple-protocol query (no parameters) may hold many statements.
    script: async (sql) => void (await client.query(sql)),
    end: () => client.end(),
  };
}

/** A session on an open PGlite database; ending it leaves the database open for its owner. */
export function pgliteSession(db: PGlite): MigrationSession {
  return {
    query: async <R>(sql: string, params?: unknown[]) => (await db.query<R>(sql, params)).rows,
    script: async (sql) => void (await db.exec(sql)),
    end: async () => undefined,
  };
}

import { PGlite } from '@electric-sql/pglite';
import { DataDirLock } from '@envoy-fleet/config';
import { applyMigrations, findMigrationsDir, pgliteSession } from '@envoy-fleet/db-migrations';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** A handle on the process's embedded PostgreSQL; release it when done. */
export interface EmbeddedPostgres {
  readonly db: PGlite;
  /** Where the data lives, or `memory` for a throw-away database. */
  readonly location: string;
  release(): Promise<void>;
}

interface Shared {
  db: PGlite;
  users: number;
  lock?: DataDirLock;
}

// Every app of a one-process run shares one PGlite per folder, as they would share one server.
const open = new Map<string, Promise<Shared>>();

/**
 * PostgreSQL in-process (PGlite) with the same migrations and row-level security as a server:
 * migrated as the superuser, then the session becomes fleet_app, so RLS applies exactly as for
 * the services' login role. `dataDir` undefined gives an in-memory database of its own.
 */
export async function acquireEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir === undefined) {
    const shared = await start(undefined);
    return handle(shared, 'memory', () => stop(shared));
  }
  const location = resolve(dataDir, 'postgres');
  let pending = open.get(location);
  if (!pending) {
    pending = start(location);
    open.set(location, pending);
    pending.catch(() => open.delete(location));
  }
  const shared = await pending;
  shared.users += 1;
  return handle(shared, location, async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    open.delete(location);
    await stop(shared);
  });
}

function handle(shared: Shared, location: string, release: () => Promise<void>): EmbeddedPostgres {
  let released = false;
  return {
    db: shared.db,
    location,
    release: async () => {
      if (released) return;
      released = true;
      await release();
    },
  };
}

async function start(location: string | undefined): Promise<Shared> {
  let lock: DataDirLock | undefined;
  if (location) {
    mkdirSync(location, { recursive: true });
    lock = await DataDirLock.acquire(location, {
      what: 'the embedded database',
      serverVariable: 'DATABASE_URL',
    });
  }
  try {
    const db = await PGlite.create(location ? { dataDir: location } : {});
    await applyMigrations(pgliteSession(db), findMigrationsDir());
    // Session-wide: SET LOCAL ROLE fleet_system inside a transaction returns here at its end.
    await db.exec('SET ROLE fleet_app');
    return { db, users: 0, lock };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

async function stop(shared: Shared): Promise<void> {
  try {
    await shared.db.close();
  } finally {
    await shared.lock?.release();
  }
}

import { redactUrl } from '@envoy-fleet/config';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { acquireEmbeddedPostgres } from './embedded-postgres';
import { PrismaClient, type Prisma } from './generated/prisma/client';

const EMBEDDED_MAX_WAIT_MS = 30_000;

declare const scope: unique symbol;

/** A transaction bound to one tenant by Database.forTenant: row-level security shows only its rows. */
export type TenantTx = Prisma.TransactionClient & { readonly [scope]: 'tenant' };

/** A transaction running as fleet_system (Database.asSystem): sees every tenant's rows. */
export type SystemTx = Prisma.TransactionClient & { readonly [scope]: 'system' };

/** Any transaction handed out by Database; repository methods that work in both take this. */
export type Tx = TenantTx | SystemTx;

/**
 * Runs one read-only statement as the tenant given to Database.readAsTenant (row-level security
 * applies) and gives back its rows. Not a transaction: several statements each see the latest
 * committed data.
 */
export type TenantQuery = <R>(sql: string, params: unknown[]) => Promise<R[]>;

/** One statement as fleet_system outside a transaction (Database.autocommitAsSystem): it commits on its own. */
export type SystemQuery = <R>(sql: string, params: unknown[]) => Promise<R[]>;

/** Connections of the pool for autocommitAsSystem: the outbox relay's claim and mark. */
const SYSTEM_POOL_SIZE = 2;

/** Connections each pool may open when not told otherwise (node-postgres' own default). */
export const DEFAULT_POOL_SIZE = 10;

/** Limits for one interactive transaction. */
export interface TransactionOptions {
  /** How long the whole transaction may run, in ms (Prisma's default is 5000). */
  timeout?: number;
  /** How long to wait for a pooled connection, in ms (Prisma's default is 2000). */
  maxWait?: number;
}

/**
 * The service's only way into PostgreSQL. Connect it as the non-superuser fleet_app: every query
 * runs inside a transaction that either names a tenant (row-level security applies) or switches
 * to fleet_system (bypasses it).
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  private constructor(
    private readonly prisma: PrismaClient,
    /** Where the data is, for logs: a server URL without its password, or the embedded folder. */
    readonly location: string,
    private readonly release: () => Promise<void> = async () => undefined,
    /** Connections used only by readAsTenant (none when embedded). */
    private readonly readPool?: Pool,
    /** Connections used only by autocommitAsSystem, fleet_system from the start (none when embedded). */
    private readonly systemPool?: Pool,
  ) {}

  /**
   * Pools of connections to the PostgreSQL server at `connectionString`, as fleet_app: one for
   * transactions, one for readAsTenant, each of up to `poolSize` connections, and two connections
   * for autocommitAsSystem.
   */
  static connect(connectionString: string, poolSize = DEFAULT_POOL_SIZE): Database {
    // Pools handed to the adapter are ours to end (Prisma's disconnect leaves them open).
    const pool = watched(new Pool({ connectionString, max: poolSize }));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    // Read-only sessions: a write sent down the read path fails instead of running.
    const readPool = watched(
      new Pool({ connectionString, max: poolSize, options: '-c default_transaction_read_only=on' }),
    );
    // fleet_app is a member of fleet_system; these sessions take that role when they open.
    const systemPool = watched(
      new Pool({ connectionString, max: SYSTEM_POOL_SIZE, options: '-c role=fleet_system' }),
    );
    const release = async () => {
      await Promise.all([pool.end(), readPool.end(), systemPool.end()]);
    };
    return new Database(prisma, redactUrl(connectionString), release, readPool, systemPool);
  }

  /**
   * PostgreSQL in this process (PGlite) with its data in `<dataDir>/postgres`, migrated and with
   * row-level security as on a server; in memory when `dataDir` is undefined.
   */
  static async embedded(dataDir?: string): Promise<Database> {
    const embedded = await acquireEmbeddedPostgres(dataDir);
    const prisma = new PrismaClient({
      adapter: new PrismaPGlite(embedded.db),
      // One session serves every transaction in turn, so waiting for it is normal under load.
      transactionOptions: { maxWait: EMBEDDED_MAX_WAIT_MS },
    });
    return new Database(prisma, embedded.location, () => embedded.release());
  }

  /** Runs `fn` in a transaction where only `tenantId`'s rows are visible and writable. */
  forTenant<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      // is_local = true: the setting dies with the transaction, so a pooled connection never
      // carries one tenant's id into another's work.
      await tx.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return fn(tx as TenantTx);
    }, options);
  }

  /**
   * Reads as `tenantId` without a transaction: the hot reads' path, two round trips (the tenant,
   * then the statement) where a transaction takes five. Row-level security applies as in
   * forTenant. The connections come from a pool of their own, and every use sets its tenant
   * first, so the tenant a connection was last set to is never seen by anyone else. Embedded,
   * it runs in a forTenant transaction.
   */
  async readAsTenant<T>(tenantId: string, fn: (query: TenantQuery) => Promise<T>): Promise<T> {
    if (!this.readPool) {
      return this.forTenant(tenantId, (tx) => fn(statementsIn(tx)));
    }
    // Outside a transaction a failed statement leaves the connection usable, and one whose
    // socket failed is dropped by the pool itself.
    const client = await this.readPool.connect();
    try {
      await client.query("SELECT set_config('app.tenant_id', $1, false)", [tenantId]);
      return await fn(queryOn(client));
    } finally {
      client.release();
    }
  }

  /** Runs `fn` in a transaction as fleet_system, which sees every tenant; keep such work rare. */
  asSystem<T>(fn: (tx: SystemTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL ROLE fleet_system`;
      return fn(tx as SystemTx);
    }, options);
  }

  /**
   * Statements as fleet_system (every tenant's rows) without a transaction, each committing on
   * its own: one round trip each where an asSystem transaction takes four. For small, frequent
   * work that needs no transaction (the outbox relay's reads and marks). Embedded, it runs in an
   * asSystem transaction.
   */
  autocommitAsSystem<T>(fn: (query: SystemQuery) => Promise<T>): Promise<T> {
    const pool = this.systemPool;
    if (!pool) return this.asSystem((tx) => fn(statementsIn(tx)));
    return fn(async <R>(sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as R[]);
  }

  /** Checks that the database answers (for health checks). */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  /** Closes the connection pool (or lets go of the embedded database). */
  async close(): Promise<void> {
    await this.prisma.$disconnect();
    await this.release();
  }

  /** Last of all on shutdown: whatever still writes (relays, recorders) stops before this. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** Raw statements in a Prisma transaction, as readAsTenant and autocommitAsSystem run them when embedded. */
function statementsIn(tx: Prisma.TransactionClient): TenantQuery & SystemQuery {
  return <R>(sql: string, params: unknown[]) => tx.$queryRawUnsafe<R[]>(sql, ...params);
}

function queryOn(client: PoolClient): TenantQuery {
  return async <R>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[];
}

/** A pool whose idle connections may be cut (a restart, an administrator) without crashing the process. */
function watched(pool: Pool): Pool {
  pool.on('error', (error) => {
    new Logger(Database.name).warn(`an idle PostgreSQL connection was lost: ${error.message}`);
  });
  return pool;
}

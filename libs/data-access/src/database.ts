import { redactUrl } from '@envoy-fleet/config';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
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
  ) {}

  /** A pool of connections to the PostgreSQL server at `connectionString`, as fleet_app. */
  static connect(connectionString: string): Database {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
    return new Database(prisma, redactUrl(connectionString));
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

  /** Runs `fn` in a transaction as fleet_system, which sees every tenant; keep such work rare. */
  asSystem<T>(fn: (tx: SystemTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL ROLE fleet_system`;
      return fn(tx as SystemTx);
    }, options);
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

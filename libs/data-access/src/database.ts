import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';

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
export class Database implements OnModuleDestroy {
  private readonly prisma: PrismaClient;

  constructor(connectionString: string) {
    this.prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
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

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}

import { Injectable } from '@nestjs/common';
import type { Tenant } from '@envoy-fleet/domain';
import type { SystemTx, Tx } from '../database';
import { existingAs, found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';
import type { Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, readPage, scopedKeysetArgs } from '../paging';

const KIND = 'tenant';

/** Numbers kept by name in a JSON column (a tenant's quota overrides); anything else is dropped. */
/** A tenant's objects of each kind that quotas count. */
export interface TenantObjectCounts {
  proxies: number;
  clusters: number;
  listeners: number;
  routeConfigurations: number;
  secrets: number;
}

const OBJECT_KINDS: (keyof TenantObjectCounts)[] = [
  'proxies',
  'clusters',
  'listeners',
  'routeConfigurations',
  'secrets',
];

function toLimits(value: unknown): Record<string, number> {
  const limits: Record<string, number> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return limits;
  for (const [name, limit] of Object.entries(value)) {
    if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 0) limits[name] = limit;
  }
  return limits;
}

function toTenant(row: Rows.Tenant): Tenant {
  return { id: row.id, name: row.name, createdAt: row.createdAt };
}

/** Tenants. A tenant transaction sees only its own tenant; creating and listing need the system role. */
@Injectable()
export class TenantRepository {
  /** Creates a tenant; ALREADY_EXISTS when the name is taken. */
  async create(tx: SystemTx, name: string): Promise<Tenant> {
    return toTenant(await uniqueAs(KIND, name, () => tx.tenant.create({ data: { name } })));
  }

  /** The tenant with this id; NOT_FOUND when absent (or not visible to this transaction). */
  async get(tx: Tx, id: string): Promise<Tenant> {
    return toTenant(found(KIND, id, await tx.tenant.findUnique({ where: { id } })));
  }

  /** The tenant with this name, or null. */
  async findByName(tx: SystemTx, name: string): Promise<Tenant | null> {
    const row = await tx.tenant.findUnique({ where: { name } });
    return row ? toTenant(row) : null;
  }

  /** One page of every tenant by keyset (no labels): one query of at most `limit + 1` rows. */
  async page(tx: SystemTx, request: PageRequest): Promise<Page<Tenant>> {
    const page = await readPage(request, { name: 'name' }, (args) =>
      tx.tenant.findMany(scopedKeysetArgs<Prisma.TenantFindManyArgs>(args, {})),
    );
    return { items: page.items.map(toTenant), nextCursor: page.nextCursor };
  }

  /**
   * Locks the tenant row until the transaction ends, so the tenant's writers queue up: whatever
   * they check first (a revision, an object count) still holds when they write. NO KEY UPDATE: see
   * ConfigVersionRepository.create, which takes the same lock.
   */
  async lockForWrite(tx: Tx, id: string): Promise<void> {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM tenants WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
    found(KIND, id, locked[0] ?? null);
  }

  /**
   * lockForWrite that also returns the tenant's own quotas, read from the locked row in the same
   * statement (a writer that checks a quota needs them; one round trip fewer).
   */
  async lockForWriteWithQuotas(tx: Tx, id: string): Promise<Record<string, number>> {
    const locked = await tx.$queryRaw<{ quotas: unknown }[]>`
      SELECT quotas FROM tenants WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
    return toLimits(found(KIND, id, locked[0] ?? null).quotas);
  }

  /** The tenant's own quotas by name (overrides of the configured defaults); NOT_FOUND when absent. */
  async quotas(tx: Tx, id: string): Promise<Record<string, number>> {
    const row = await tx.tenant.findUnique({ where: { id }, select: { quotas: true } });
    return toLimits(found(KIND, id, row).quotas);
  }

  /** Replaces the tenant's own quotas (whole numbers from 0, by name); NOT_FOUND when absent. */
  async setQuotas(tx: SystemTx, id: string, quotas: Record<string, number>): Promise<Record<string, number>> {
    const row = await existingAs(KIND, id, () =>
      tx.tenant.update({ where: { id }, data: { quotas: toLimits(quotas) }, select: { quotas: true } }),
    );
    return toLimits(row.quotas);
  }

  /** How many objects of each kind the tenant has, for its quotas. */
  async countObjects(tx: Tx, id: string): Promise<TenantObjectCounts> {
    const counts = {} as TenantObjectCounts;
    for (const kind of OBJECT_KINDS) counts[kind] = await this.countOf(tx, id, kind);
    return counts;
  }

  /** How many objects of one kind the tenant has. */
  async countOf(tx: Tx, id: string, kind: keyof TenantObjectCounts): Promise<number> {
    const where = { tenantId: id };
    switch (kind) {
      case 'proxies':
        return tx.proxy.count({ where });
      case 'clusters':
        return tx.cluster.count({ where });
      case 'listeners':
        return tx.listener.count({ where });
      case 'routeConfigurations':
        return tx.routeConfiguration.count({ where });
      case 'secrets':
        return tx.secret.count({ where });
      default: {
        const unreachable: never = kind;
        throw new Error(`no count for ${String(unreachable)}`);
      }
    }
  }

  /** Deletes the tenant and, by cascade, everything it owns. */
  async delete(tx: SystemTx, id: string): Promise<void> {
    await existingAs(KIND, id, () => tx.tenant.delete({ where: { id } }));
  }
}

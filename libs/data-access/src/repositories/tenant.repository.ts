import { Injectable } from '@nestjs/common';
import type { Tenant } from '@envoy-fleet/domain';
import type { SystemTx, Tx } from '../database';
import { existingAs, found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';

const KIND = 'tenant';

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

  /** Every tenant, oldest first. */
  async list(tx: SystemTx): Promise<Tenant[]> {
    const rows = await tx.tenant.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(toTenant);
  }

  /** Deletes the tenant and, by cascade, everything it owns. */
  async delete(tx: SystemTx, id: string): Promise<void> {
    await existingAs(KIND, id, () => tx.tenant.delete({ where: { id } }));
  }
}

import { Injectable } from '@nestjs/common';
import type { Listener } from '@envoy-fleet/domain';
import type { TenantQuery, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import { Prisma } from '../generated/prisma/client';
import { toListener } from '../mappers';
import { lockRevision, type Revisioned } from '../revision';

const KIND = 'listener';

function fields(listener: Listener) {
  return {
    address: listener.address ?? null,
    port: listener.port ?? null,
    routeConfigName: listener.routeConfigName ?? null,
    // Filter chains are stored whole as jsonb, like a route configuration's virtual hosts.
    filterChains:
      listener.filterChains === undefined
        ? Prisma.DbNull
        : (JSON.parse(JSON.stringify(listener.filterChains)) as Prisma.InputJsonValue),
  };
}

/** Listeners, one tenant at a time. */
@Injectable()
export class ListenerRepository {
  /** Creates a listener; ALREADY_EXISTS when the name is taken. */
  async create(tx: Tx, tenantId: string, listener: Listener): Promise<Revisioned<Listener>> {
    const row = await uniqueAs(KIND, listener.name, () =>
      tx.listener.create({ data: { tenantId, name: listener.name, ...fields(listener) } }),
    );
    return toListener(row);
  }

  /** The named listener; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, name: string): Promise<Revisioned<Listener>> {
    const row = await tx.listener.findUnique({ where: { tenantId_name: { tenantId, name } } });
    return toListener(found(KIND, name, row));
  }

  /** As `get`, on Database.readAsTenant's path. */
  async read(query: TenantQuery, tenantId: string, name: string): Promise<Revisioned<Listener>> {
    const [row] = await query<Parameters<typeof toListener>[0]>(
      `SELECT name, address, port, route_config_name AS "routeConfigName", filter_chains AS "filterChains",
              revision
         FROM listeners WHERE tenant_id = $1::uuid AND name = $2`,
      [tenantId, name],
    );
    return toListener(found(KIND, name, row ?? null));
  }

  /** Every listener of the tenant, by name. */
  async list(tx: Tx, tenantId: string): Promise<Revisioned<Listener>[]> {
    const rows = await tx.listener.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map(toListener);
  }

  /** Replaces the listener and bumps its revision; FAILED_PRECONDITION on a stale `expectedRevision`. */
  async update(
    tx: Tx,
    tenantId: string,
    listener: Listener,
    expectedRevision?: number,
  ): Promise<Revisioned<Listener>> {
    const current = await lockRevision(tx, 'listeners', KIND, tenantId, listener.name, expectedRevision);
    const row = await tx.listener.update({
      where: { id: current.id },
      data: { ...fields(listener), revision: current.revision + 1 },
    });
    return toListener(row);
  }

  /** Deletes the listener and returns what was deleted. */
  async delete(
    tx: Tx,
    tenantId: string,
    name: string,
    expectedRevision?: number,
  ): Promise<Revisioned<Listener>> {
    const current = await lockRevision(tx, 'listeners', KIND, tenantId, name, expectedRevision);
    return toListener(await tx.listener.delete({ where: { id: current.id } }));
  }
}

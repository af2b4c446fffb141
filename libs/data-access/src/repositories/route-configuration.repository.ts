import { Injectable } from '@nestjs/common';
import type { RouteConfiguration } from '@envoy-fleet/domain';
import type { TenantQuery, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { toRouteConfiguration } from '../mappers';
import { lockRevision, type Revisioned } from '../revision';

const KIND = 'route-configuration';

// Virtual hosts are stored whole as jsonb: they are always read and written with their route config.
function virtualHosts(routeConfiguration: RouteConfiguration): Prisma.InputJsonValue {
  return routeConfiguration.virtualHosts as unknown as Prisma.InputJsonValue;
}

/** Route configurations, one tenant at a time. */
@Injectable()
export class RouteConfigurationRepository {
  /** Creates a route configuration; ALREADY_EXISTS when the name is taken. */
  async create(tx: Tx, tenantId: string, rc: RouteConfiguration): Promise<Revisioned<RouteConfiguration>> {
    const row = await uniqueAs(KIND, rc.name, () =>
      tx.routeConfiguration.create({ data: { tenantId, name: rc.name, virtualHosts: virtualHosts(rc) } }),
    );
    return toRouteConfiguration(row);
  }

  /** The named route configuration; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, name: string): Promise<Revisioned<RouteConfiguration>> {
    const row = await tx.routeConfiguration.findUnique({ where: { tenantId_name: { tenantId, name } } });
    return toRouteConfiguration(found(KIND, name, row));
  }

  /** As `get`, on Database.readAsTenant's path. */
  async read(query: TenantQuery, tenantId: string, name: string): Promise<Revisioned<RouteConfiguration>> {
    const [row] = await query<Parameters<typeof toRouteConfiguration>[0]>(
      `SELECT name, virtual_hosts AS "virtualHosts", revision
         FROM route_configurations WHERE tenant_id = $1::uuid AND name = $2`,
      [tenantId, name],
    );
    return toRouteConfiguration(found(KIND, name, row ?? null));
  }

  /** Every route configuration of the tenant, by name. */
  async list(tx: Tx, tenantId: string): Promise<Revisioned<RouteConfiguration>[]> {
    const rows = await tx.routeConfiguration.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map(toRouteConfiguration);
  }

  /** Replaces the route configuration and bumps its revision; FAILED_PRECONDITION on a stale `expectedRevision`. */
  async update(
    tx: Tx,
    tenantId: string,
    rc: RouteConfiguration,
    expectedRevision?: number,
  ): Promise<Revisioned<RouteConfiguration>> {
    const current = await lockRevision(tx, 'route_configurations', KIND, tenantId, rc.name, expectedRevision);
    const row = await tx.routeConfiguration.update({
      where: { id: current.id },
      data: { virtualHosts: virtualHosts(rc), revision: current.revision + 1 },
    });
    return toRouteConfiguration(row);
  }

  /** Deletes the route configuration and returns what was deleted. */
  async delete(
    tx: Tx,
    tenantId: string,
    name: string,
    expectedRevision?: number,
  ): Promise<Revisioned<RouteConfiguration>> {
    const current = await lockRevision(tx, 'route_configurations', KIND, tenantId, name, expectedRevision);
    return toRouteConfiguration(await tx.routeConfiguration.delete({ where: { id: current.id } }));
  }
}

import { Injectable } from '@nestjs/common';
import type { Cluster, Listener, RouteConfiguration } from '@envoy-fleet/domain';
import type { Tx } from '../database';
import { toCluster, toListener, toRouteConfiguration } from '../mappers';
import type { Revisioned } from '../revision';

// The same endpoint order as ClusterRepository, so a page shows a cluster as a GET of it does.
const endpointOrder = [{ priority: 'asc' }, { address: 'asc' }, { port: 'asc' }] as const;
const withEndpoints = { endpoints: { orderBy: [...endpointOrder] } };

/** Config objects of a tenant by name, in one query per kind: what a list page loads. */
@Injectable()
export class ConfigObjectsRepository {
  async clusters(tx: Tx, tenantId: string, names: string[]): Promise<Revisioned<Cluster>[]> {
    const rows = await tx.cluster.findMany({
      where: { tenantId, name: { in: names } },
      include: withEndpoints,
    });
    return rows.map(toCluster);
  }

  async listeners(tx: Tx, tenantId: string, names: string[]): Promise<Revisioned<Listener>[]> {
    return (await tx.listener.findMany({ where: { tenantId, name: { in: names } } })).map(toListener);
  }

  async routeConfigurations(
    tx: Tx,
    tenantId: string,
    names: string[],
  ): Promise<Revisioned<RouteConfiguration>[]> {
    const rows = await tx.routeConfiguration.findMany({ where: { tenantId, name: { in: names } } });
    return rows.map(toRouteConfiguration);
  }
}

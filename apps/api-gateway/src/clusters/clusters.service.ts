import {
  ClusterRepository,
  Database,
  Revisioned,
  RouteConfigurationRepository,
} from '@envoy-fleet/data-access';
import { Cluster, clusterReferences, DomainError, Endpoint, Principal } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';

/** Clusters of the caller's tenant, with their endpoints. */
@Injectable()
export class ClustersService {
  constructor(
    private readonly db: Database,
    private readonly clusters: ClusterRepository,
    private readonly routeConfigurations: RouteConfigurationRepository,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<Revisioned<Cluster>[]> {
    return this.db.forTenant(principal.tenantId, (tx) => this.clusters.list(tx, principal.tenantId));
  }

  get(principal: Principal, name: string): Promise<Revisioned<Cluster>> {
    return this.db.forTenant(principal.tenantId, (tx) => this.clusters.get(tx, principal.tenantId, name));
  }

  create(principal: Principal, cluster: Cluster): Promise<Committed<Revisioned<Cluster>>> {
    return this.changes.apply(
      principal,
      { kind: 'cluster', name: cluster.name, action: 'created' },
      async (tx) => {
        const created = await this.clusters.create(tx, principal.tenantId, cluster);
        return { result: created, before: null, after: created };
      },
    );
  }

  replace(principal: Principal, cluster: Cluster): Promise<Committed<Revisioned<Cluster>>> {
    return this.changes.apply(
      principal,
      { kind: 'cluster', name: cluster.name, action: 'updated' },
      async (tx) => {
        const before = await this.clusters.get(tx, principal.tenantId, cluster.name);
        const after = await this.clusters.update(tx, principal.tenantId, cluster);
        return { result: after, before, after };
      },
    );
  }

  replaceEndpoints(
    principal: Principal,
    name: string,
    endpoints: Endpoint[],
  ): Promise<Committed<Revisioned<Cluster>>> {
    return this.changes.apply(principal, { kind: 'cluster', name, action: 'updated' }, async (tx) => {
      const before = await this.clusters.get(tx, principal.tenantId, name);
      const after = await this.clusters.replaceEndpoints(tx, principal.tenantId, name, endpoints);
      return { result: after, before: before.endpoints, after: after.endpoints };
    });
  }

  /** Refused while a route configuration still sends traffic to the cluster. */
  remove(principal: Principal, name: string): Promise<Committed<void>> {
    return this.changes.apply(principal, { kind: 'cluster', name, action: 'deleted' }, async (tx) => {
      const users = (await this.routeConfigurations.list(tx, principal.tenantId)).filter((rc) =>
        clusterReferences(rc).some((ref) => ref.cluster === name),
      );
      if (users.length > 0) {
        const names = users.map((rc) => `'${rc.name}'`).join(', ');
        throw new DomainError(
          'FAILED_PRECONDITION',
          `cluster '${name}' is used by route configuration ${names}`,
        );
      }
      const before = await this.clusters.delete(tx, principal.tenantId, name);
      return { result: undefined, before, after: null };
    });
  }
}

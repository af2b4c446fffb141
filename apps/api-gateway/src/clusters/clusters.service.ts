import { ClusterRepository, Database, Revisioned } from '@envoy-fleet/data-access';
import { Cluster, clusterSecretReferences, Endpoint, Principal } from '@envoy-fleet/domain';
import { clusterViolationsOfEnvoy } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import {
  ConfigReferenceChecker,
  refuseEnvoyViolations,
  refuseWhileReferenced,
} from '../config-model/config-checks';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';

/** Clusters of the caller's tenant, with their endpoints. */
@Injectable()
export class ClustersService {
  constructor(
    private readonly db: Database,
    private readonly clusters: ClusterRepository,
    private readonly references: ConfigReferenceChecker,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<Revisioned<Cluster>[]> {
    return this.db.forTenant(principal.tenantId, (tx) => this.clusters.list(tx, principal.tenantId));
  }

  get(principal: Principal, name: string): Promise<Revisioned<Cluster>> {
    return this.db.readAsTenant(principal.tenantId, (query) =>
      this.clusters.read(query, principal.tenantId, name),
    );
  }

  create(principal: Principal, cluster: Cluster): Promise<Committed<Revisioned<Cluster>>> {
    refuseEnvoyViolations('Cluster', clusterViolationsOfEnvoy(cluster));
    return this.changes.apply(
      principal,
      { kind: 'cluster', name: cluster.name, action: 'created' },
      async (tx) => {
        await this.references.requireResolved(tx, principal.tenantId, clusterSecretReferences(cluster));
        const created = await this.clusters.create(tx, principal.tenantId, cluster);
        return { result: created, before: null, after: created };
      },
    );
  }

  replace(principal: Principal, cluster: Cluster): Promise<Committed<Revisioned<Cluster>>> {
    refuseEnvoyViolations('Cluster', clusterViolationsOfEnvoy(cluster));
    return this.changes.apply(
      principal,
      { kind: 'cluster', name: cluster.name, action: 'updated' },
      async (tx) => {
        const before = await this.clusters.get(tx, principal.tenantId, cluster.name);
        await this.references.requireResolved(tx, principal.tenantId, clusterSecretReferences(cluster));
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
      refuseEnvoyViolations('Cluster', clusterViolationsOfEnvoy({ ...before, endpoints }));
      const after = await this.clusters.replaceEndpoints(tx, principal.tenantId, name, endpoints);
      return { result: after, before: before.endpoints, after: after.endpoints };
    });
  }

  /** Refused while a route configuration (or a listener) still sends traffic to the cluster. */
  remove(principal: Principal, name: string): Promise<Committed<void>> {
    return this.changes.apply(principal, { kind: 'cluster', name, action: 'deleted' }, async (tx) => {
      refuseWhileReferenced(
        'cluster',
        name,
        await this.references.referrersOf(tx, principal.tenantId, 'cluster', name),
      );
      const before = await this.clusters.delete(tx, principal.tenantId, name);
      return { result: undefined, before, after: null };
    });
  }
}

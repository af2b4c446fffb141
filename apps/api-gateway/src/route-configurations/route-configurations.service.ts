import {
  ClusterRepository,
  Database,
  ListenerRepository,
  Revisioned,
  RouteConfigurationRepository,
  TenantTx,
} from '@envoy-fleet/data-access';
import {
  clusterReferences,
  DomainError,
  Principal,
  RouteConfiguration,
  routeConfigurationViolations,
} from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';

/** Route configurations of the caller's tenant: where each virtual host's requests go. */
@Injectable()
export class RouteConfigurationsService {
  constructor(
    private readonly db: Database,
    private readonly routeConfigurations: RouteConfigurationRepository,
    private readonly clusters: ClusterRepository,
    private readonly listeners: ListenerRepository,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<Revisioned<RouteConfiguration>[]> {
    return this.db.forTenant(principal.tenantId, (tx) =>
      this.routeConfigurations.list(tx, principal.tenantId),
    );
  }

  get(principal: Principal, name: string): Promise<Revisioned<RouteConfiguration>> {
    return this.db.forTenant(principal.tenantId, (tx) =>
      this.routeConfigurations.get(tx, principal.tenantId, name),
    );
  }

  create(
    principal: Principal,
    config: RouteConfiguration,
  ): Promise<Committed<Revisioned<RouteConfiguration>>> {
    checkShape(config);
    return this.changes.apply(
      principal,
      { kind: 'route-configuration', name: config.name, action: 'created' },
      async (tx) => {
        await this.checkClustersExist(tx, principal.tenantId, config);
        const created = await this.routeConfigurations.create(tx, principal.tenantId, config);
        return { result: created, before: null, after: created };
      },
    );
  }

  replace(
    principal: Principal,
    config: RouteConfiguration,
  ): Promise<Committed<Revisioned<RouteConfiguration>>> {
    checkShape(config);
    return this.changes.apply(
      principal,
      { kind: 'route-configuration', name: config.name, action: 'updated' },
      async (tx) => {
        const before = await this.routeConfigurations.get(tx, principal.tenantId, config.name);
        await this.checkClustersExist(tx, principal.tenantId, config);
        const after = await this.routeConfigurations.update(tx, principal.tenantId, config);
        return { result: after, before, after };
      },
    );
  }

  /** Refused while a listener still uses the route configuration. */
  remove(principal: Principal, name: string): Promise<Committed<void>> {
    return this.changes.apply(
      principal,
      { kind: 'route-configuration', name, action: 'deleted' },
      async (tx) => {
        const users = (await this.listeners.list(tx, principal.tenantId)).filter(
          (l) => l.routeConfigName === name,
        );
        if (users.length > 0) {
          const names = users.map((l) => `'${l.name}'`).join(', ');
          throw new DomainError(
            'FAILED_PRECONDITION',
            `route configuration '${name}' is used by listener ${names}`,
          );
        }
        const before = await this.routeConfigurations.delete(tx, principal.tenantId, name);
        return { result: undefined, before, after: null };
      },
    );
  }

  private async checkClustersExist(
    tx: TenantTx,
    tenantId: string,
    config: RouteConfiguration,
  ): Promise<void> {
    const known = new Set((await this.clusters.list(tx, tenantId)).map((c) => c.name));
    const missing = clusterReferences(config).filter((ref) => !known.has(ref.cluster));
    if (missing.length > 0) {
      const violations = missing.map((ref) => ({
        field: ref.field,
        message: `cluster '${ref.cluster}' does not exist`,
      }));
      throw new DomainError(
        'UNPROCESSABLE',
        violations.map((v) => `${v.field}: ${v.message}`).join('; '),
        violations,
      );
    }
  }
}

function checkShape(config: RouteConfiguration): void {
  const violations = routeConfigurationViolations(config);
  if (violations.length > 0) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      violations.map((v) => `${v.field}: ${v.message}`).join('; '),
      violations,
    );
  }
}

import { Database, Revisioned, RouteConfigurationRepository } from '@envoy-fleet/data-access';
import {
  clusterReferences,
  Principal,
  RouteConfiguration,
  routeConfigurationViolations,
} from '@envoy-fleet/domain';
import { routeConfigurationViolationsOfEnvoy } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import {
  ConfigReferenceChecker,
  refuseEnvoyViolations,
  refuseInvalid,
  refuseWhileReferenced,
} from '../config-model/config-checks';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';

/** Route configurations of the caller's tenant: where each virtual host's requests go. */
@Injectable()
export class RouteConfigurationsService {
  constructor(
    private readonly db: Database,
    private readonly routeConfigurations: RouteConfigurationRepository,
    private readonly references: ConfigReferenceChecker,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<Revisioned<RouteConfiguration>[]> {
    return this.db.forTenant(principal.tenantId, (tx) =>
      this.routeConfigurations.list(tx, principal.tenantId),
    );
  }

  get(principal: Principal, name: string): Promise<Revisioned<RouteConfiguration>> {
    return this.db.readAsTenant(principal.tenantId, (query) =>
      this.routeConfigurations.read(query, principal.tenantId, name),
    );
  }

  create(
    principal: Principal,
    config: RouteConfiguration,
  ): Promise<Committed<Revisioned<RouteConfiguration>>> {
    check(config);
    return this.changes.apply(
      principal,
      { kind: 'route-configuration', name: config.name, action: 'created' },
      async (tx) => {
        await this.references.requireResolved(tx, principal.tenantId, clusterRefs(config));
        const created = await this.routeConfigurations.create(tx, principal.tenantId, config);
        return { result: created, before: null, after: created };
      },
    );
  }

  replace(
    principal: Principal,
    config: RouteConfiguration,
  ): Promise<Committed<Revisioned<RouteConfiguration>>> {
    check(config);
    return this.changes.apply(
      principal,
      { kind: 'route-configuration', name: config.name, action: 'updated' },
      async (tx) => {
        const before = await this.routeConfigurations.get(tx, principal.tenantId, config.name);
        await this.references.requireResolved(tx, principal.tenantId, clusterRefs(config));
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
        const referrers = await this.references.referrersOf(
          tx,
          principal.tenantId,
          'route-configuration',
          name,
        );
        refuseWhileReferenced('route-configuration', name, referrers);
        const before = await this.routeConfigurations.delete(tx, principal.tenantId, name);
        return { result: undefined, before, after: null };
      },
    );
  }
}

/** The API's own rules (400), then Envoy's rules on the rendered resource (422). */
function check(config: RouteConfiguration): void {
  refuseInvalid(routeConfigurationViolations(config));
  refuseEnvoyViolations('RouteConfiguration', routeConfigurationViolationsOfEnvoy(config));
}

function clusterRefs(config: RouteConfiguration) {
  return clusterReferences(config).map((ref) => ({
    field: ref.field,
    kind: 'cluster' as const,
    name: ref.cluster,
  }));
}

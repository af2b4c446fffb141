import {
  Database,
  ListenerRepository,
  Revisioned,
  RouteConfigurationRepository,
  TenantTx,
} from '@envoy-fleet/data-access';
import { DomainError, Listener, Principal } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';

/** Listeners of the caller's tenant. */
@Injectable()
export class ListenersService {
  constructor(
    private readonly db: Database,
    private readonly listeners: ListenerRepository,
    private readonly routeConfigurations: RouteConfigurationRepository,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<Revisioned<Listener>[]> {
    return this.db.forTenant(principal.tenantId, (tx) => this.listeners.list(tx, principal.tenantId));
  }

  get(principal: Principal, name: string): Promise<Revisioned<Listener>> {
    return this.db.forTenant(principal.tenantId, (tx) => this.listeners.get(tx, principal.tenantId, name));
  }

  create(principal: Principal, listener: Listener): Promise<Committed<Revisioned<Listener>>> {
    return this.changes.apply(
      principal,
      { kind: 'listener', name: listener.name, action: 'created' },
      async (tx) => {
        await this.checkRouteConfigurationExists(tx, principal.tenantId, listener.routeConfigName);
        const created = await this.listeners.create(tx, principal.tenantId, listener);
        return { result: created, before: null, after: created };
      },
    );
  }

  replace(principal: Principal, listener: Listener): Promise<Committed<Revisioned<Listener>>> {
    return this.changes.apply(
      principal,
      { kind: 'listener', name: listener.name, action: 'updated' },
      async (tx) => {
        const before = await this.listeners.get(tx, principal.tenantId, listener.name);
        await this.checkRouteConfigurationExists(tx, principal.tenantId, listener.routeConfigName);
        const after = await this.listeners.update(tx, principal.tenantId, listener);
        return { result: after, before, after };
      },
    );
  }

  remove(principal: Principal, name: string): Promise<Committed<void>> {
    return this.changes.apply(principal, { kind: 'listener', name, action: 'deleted' }, async (tx) => {
      const before = await this.listeners.delete(tx, principal.tenantId, name);
      return { result: undefined, before, after: null };
    });
  }

  private async checkRouteConfigurationExists(tx: TenantTx, tenantId: string, name: string): Promise<void> {
    const known = (await this.routeConfigurations.list(tx, tenantId)).some((rc) => rc.name === name);
    if (!known)
      throw DomainError.unprocessable('routeConfigName', `route configuration '${name}' does not exist`);
  }
}

import { Database, ListenerRepository, Revisioned } from '@envoy-fleet/data-access';
import { Listener, listenerReferences, listenerViolations, Principal } from '@envoy-fleet/domain';
import { listenerViolationsOfEnvoy } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import { ConfigReferenceChecker, refuseEnvoyViolations, refuseInvalid } from '../config-model/config-checks';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';

/** Listeners of the caller's tenant. */
@Injectable()
export class ListenersService {
  constructor(
    private readonly db: Database,
    private readonly listeners: ListenerRepository,
    private readonly references: ConfigReferenceChecker,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<Revisioned<Listener>[]> {
    return this.db.forTenant(principal.tenantId, (tx) => this.listeners.list(tx, principal.tenantId));
  }

  get(principal: Principal, name: string): Promise<Revisioned<Listener>> {
    return this.db.readAsTenant(principal.tenantId, (query) =>
      this.listeners.read(query, principal.tenantId, name),
    );
  }

  create(principal: Principal, listener: Listener): Promise<Committed<Revisioned<Listener>>> {
    check(listener);
    return this.changes.apply(
      principal,
      { kind: 'listener', name: listener.name, action: 'created' },
      async (tx) => {
        await this.references.requireResolved(tx, principal.tenantId, listenerReferences(listener));
        const created = await this.listeners.create(tx, principal.tenantId, listener);
        return { result: created, before: null, after: created };
      },
    );
  }

  replace(principal: Principal, listener: Listener): Promise<Committed<Revisioned<Listener>>> {
    check(listener);
    return this.changes.apply(
      principal,
      { kind: 'listener', name: listener.name, action: 'updated' },
      async (tx) => {
        const before = await this.listeners.get(tx, principal.tenantId, listener.name);
        await this.references.requireResolved(tx, principal.tenantId, listenerReferences(listener));
        const after = await this.listeners.update(tx, principal.tenantId, listener);
        return { result: after, before, after };
      },
    );
  }

  /** Nothing refers to a listener, so it can always go. */
  remove(principal: Principal, name: string): Promise<Committed<void>> {
    return this.changes.apply(principal, { kind: 'listener', name, action: 'deleted' }, async (tx) => {
      const before = await this.listeners.delete(tx, principal.tenantId, name);
      return { result: undefined, before, after: null };
    });
  }
}

/** The API's own rules (400), then Envoy's rules on the rendered resource (422). */
function check(listener: Listener): void {
  refuseInvalid(listenerViolations(listener));
  refuseEnvoyViolations('Listener', listenerViolationsOfEnvoy(listener));
}

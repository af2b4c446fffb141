import { Database, ProxyRecord, ProxyRepository, ProxyStatusRepository } from '@envoy-fleet/data-access';
import { Principal, ProxyTypeStatus } from '@envoy-fleet/domain';
import { ProxyRegistryEvent, Subjects } from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { ConfigChangeService } from '../config-changes/config-change.service';

/** A proxy with what it did with each resource type it was sent. */
export interface ProxyView extends ProxyRecord {
  status: ProxyTypeStatus[];
}

/** Proxies registered to the caller's tenant. */
@Injectable()
export class ProxiesService {
  constructor(
    private readonly db: Database,
    private readonly proxies: ProxyRepository,
    private readonly statuses: ProxyStatusRepository,
    private readonly changes: ConfigChangeService,
  ) {}

  list(principal: Principal): Promise<ProxyRecord[]> {
    return this.db.forTenant(principal.tenantId, (tx) => this.proxies.list(tx, principal.tenantId));
  }

  get(principal: Principal, id: string): Promise<ProxyView> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      const proxy = await this.proxies.get(tx, principal.tenantId, id);
      return { ...proxy, status: await this.statuses.listForProxy(tx, id) };
    });
  }

  register(principal: Principal, nodeId: string, labels: Record<string, string>): Promise<ProxyRecord> {
    const change = { kind: 'proxy', name: nodeId, action: 'created' } as const;
    return this.changes.record(
      principal,
      change,
      Subjects.proxyRegistered(principal.tenantId),
      async (tx) => {
        const proxy = await this.proxies.create(tx, principal.tenantId, nodeId, labels);
        return { result: proxy, before: null, after: proxy, event: this.event(principal, proxy) };
      },
    );
  }

  remove(principal: Principal, id: string): Promise<void> {
    return this.db
      .forTenant(principal.tenantId, (tx) => this.proxies.get(tx, principal.tenantId, id))
      .then((proxy) => {
        const change = { kind: 'proxy', name: proxy.nodeId, action: 'deleted' } as const;
        return this.changes.record(
          principal,
          change,
          Subjects.proxyRemoved(principal.tenantId),
          async (tx) => {
            await this.proxies.delete(tx, principal.tenantId, id);
            return { result: undefined, before: proxy, after: null, event: this.event(principal, proxy) };
          },
        );
      });
  }

  private event(principal: Principal, proxy: ProxyRecord): ProxyRegistryEvent {
    return {
      tenantId: principal.tenantId,
      proxyId: proxy.id,
      nodeId: proxy.nodeId,
      actor: principal.subject,
      occurredAt: new Date().toISOString(),
    };
  }
}

import { Database, ProxyRecord, ProxyRepository, ProxyStatusRepository } from '@envoy-fleet/data-access';
import { KIND_OF_RESOURCE_TYPE, Principal, ProxyTypeStatus } from '@envoy-fleet/domain';
import { ProxyRegistryEvent, Subjects } from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { ConfigChangeService } from '../config-changes/config-change.service';
import { ProxySync, ResourceSync, resourcesOf, summaryOf, syncOf } from './proxy-sync';

type StatusSummary = ReturnType<typeof summaryOf>;

/** A proxy with where it stands, and what it did with each resource type it was sent. */
export interface ProxyView extends ProxyRecord {
  sync: ProxySync;
  status: StatusSummary[];
}

/** What a proxy was sent and what it acknowledged, resource by resource. */
export interface ProxyConfigView {
  proxyId: string;
  nodeId: string;
  sync: ProxySync;
  types: (StatusSummary & { kind: string; resources: ResourceSync[] })[];
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

  /** The tenant's proxies with their sync state, only those in `sync` when given. */
  list(principal: Principal, sync?: ProxySync): Promise<(ProxyRecord & { sync: ProxySync })[]> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      const proxies = await this.proxies.list(tx, principal.tenantId);
      const statuses = await this.statuses.listForTenant(tx, principal.tenantId);
      return proxies
        .map((proxy) => ({ ...proxy, sync: syncOf(proxy, statuses.get(proxy.id) ?? []) }))
        .filter((proxy) => sync === undefined || proxy.sync === sync);
    });
  }

  get(principal: Principal, id: string): Promise<ProxyView> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      const proxy = await this.proxies.get(tx, principal.tenantId, id);
      const statuses = await this.statuses.listForProxy(tx, id);
      return { ...proxy, sync: syncOf(proxy, statuses), status: statuses.map(summaryOf) };
    });
  }

  config(principal: Principal, id: string): Promise<ProxyConfigView> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      const proxy = await this.proxies.get(tx, principal.tenantId, id);
      const statuses: ProxyTypeStatus[] = await this.statuses.listForProxy(tx, id);
      return {
        proxyId: proxy.id,
        nodeId: proxy.nodeId,
        sync: syncOf(proxy, statuses),
        types: statuses.map((status) => ({
          ...summaryOf(status),
          kind: KIND_OF_RESOURCE_TYPE[status.type],
          resources: resourcesOf(status),
        })),
      };
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

  /** The proxy, for issuing its bootstrap (NOT_FOUND outside the caller's tenant). */
  record(principal: Principal, id: string): Promise<ProxyRecord> {
    return this.db.forTenant(principal.tenantId, (tx) => this.proxies.get(tx, principal.tenantId, id));
  }

  /** Revokes every token of the proxy; its open streams are ended by xds-server. */
  rotateToken(principal: Principal, id: string): Promise<ProxyRecord> {
    return this.record(principal, id).then((before) => {
      const change = { kind: 'proxy', name: before.nodeId, action: 'updated' } as const;
      return this.changes.record(
        principal,
        change,
        Subjects.proxyTokenRotated(principal.tenantId),
        async (tx) => {
          const after = await this.proxies.rotateToken(tx, principal.tenantId, id);
          return { result: after, before, after, event: this.event(principal, after) };
        },
      );
    });
  }

  remove(principal: Principal, id: string): Promise<void> {
    return this.record(principal, id).then((proxy) => {
      const change = { kind: 'proxy', name: proxy.nodeId, action: 'deleted' } as const;
      return this.changes.record(principal, change, Subjects.proxyRemoved(principal.tenantId), async (tx) => {
        await this.proxies.delete(tx, principal.tenantId, id);
        return { result: undefined, before: proxy, after: null, event: this.event(principal, proxy) };
      });
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

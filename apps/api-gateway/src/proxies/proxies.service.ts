import {
  Database,
  ProxyRecord,
  ProxyRepository,
  ProxyStatusRepository,
  Tx,
  VmRepository,
} from '@envoy-fleet/data-access';
import { DomainError, KIND_OF_RESOURCE_TYPE, Principal, ProxyTypeStatus } from '@envoy-fleet/domain';
import { AgentSubjects, ProxyRegistryEvent, Subjects, VmAssignmentsEvent } from '@envoy-fleet/messaging';
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
    private readonly vms: VmRepository,
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

  register(
    principal: Principal,
    nodeId: string,
    labels: Record<string, string>,
    vmId?: string,
  ): Promise<ProxyRecord> {
    const change = { kind: 'proxy', name: nodeId, action: 'created' } as const;
    return this.changes.record(
      principal,
      change,
      Subjects.proxyRegistered(principal.tenantId),
      async (tx) => {
        if (vmId) await this.requireVm(tx, principal.tenantId, vmId);
        const proxy = await this.proxies.create(tx, principal.tenantId, nodeId, labels, vmId);
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

  /**
   * Moves the proxy onto `vmId` (or off any VM, for null) and tells the agents concerned, which
   * start it there and drain and remove it from where it was.
   */
  async assignVm(principal: Principal, id: string, vmId: string | null): Promise<ProxyRecord> {
    const before = await this.record(principal, id);
    if ((before.vmId ?? null) === vmId) return before;
    const change = { kind: 'proxy', name: before.nodeId, action: 'updated' } as const;
    const subject = AgentSubjects.vmAssignments(principal.tenantId);
    return this.changes.record(principal, change, subject, async (tx) => {
      if (vmId) await this.requireVm(tx, principal.tenantId, vmId);
      const after = await this.proxies.assignVm(tx, principal.tenantId, id, vmId);
      const vmIds = [before.vmId, vmId].filter((vm): vm is string => typeof vm === 'string');
      for (const vm of vmIds) await this.vms.setRolloutPending(tx, vm, true);
      const event: VmAssignmentsEvent = {
        tenantId: principal.tenantId,
        vmIds,
        proxyId: id,
        nodeId: before.nodeId,
        actor: principal.subject,
        occurredAt: new Date().toISOString(),
      };
      return { result: after, before, after, event };
    });
  }

  /** UNPROCESSABLE naming `vmId` when the tenant has no such VM; marks its rollout pending. */
  private async requireVm(tx: Tx, tenantId: string, vmId: string): Promise<void> {
    await this.vms.get(tx, tenantId, vmId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        throw DomainError.unprocessable('vmId', `no VM '${vmId}' in this tenant`);
      }
      throw error;
    });
    await this.vms.setRolloutPending(tx, vmId, true);
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

import {
  Database,
  FleetKeyRepository,
  Page,
  PageRequest,
  proxyTokenKey,
  ProxyRepository,
  VmRecord,
  VmRepository,
} from '@envoy-fleet/data-access';
import { Principal, signAgentToken } from '@envoy-fleet/domain';
import { AgentSubjects, VmEvent } from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import { ConfigChangeService } from '../config-changes/config-change.service';
import { VmDetailView, vmView, VmView } from './vm-view';

/** The tenant's VMs, as writers and readers of the API manage them. */
@Injectable()
export class VmsService {
  private key?: Promise<string>;

  constructor(
    private readonly config: ApiConfig,
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
    private readonly vms: VmRepository,
    private readonly proxies: ProxyRepository,
    private readonly changes: ConfigChangeService,
  ) {}

  /** One page of the tenant's VMs, read in one bounded query. */
  async page(principal: Principal, request: PageRequest): Promise<Page<VmView>> {
    const page = await this.db.forTenant(principal.tenantId, (tx) =>
      this.vms.page(tx, principal.tenantId, request),
    );
    return { items: page.items.map((vm) => vmView(vm)), nextCursor: page.nextCursor };
  }

  get(principal: Principal, id: string): Promise<VmDetailView> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      const vm = await this.vms.get(tx, principal.tenantId, id);
      const proxies = await this.proxies.listForVm(tx, principal.tenantId, id);
      return {
        ...vmView(vm),
        proxies: proxies.map(({ id: proxyId, nodeId, lifecycle }) => ({
          id: proxyId,
          nodeId,
          ...(lifecycle ? { lifecycle } : {}),
        })),
      };
    });
  }

  create(principal: Principal, name: string, labels: Record<string, string>): Promise<VmView> {
    const change = { kind: 'vm', name, action: 'created' } as const;
    return this.changes.record(principal, change, AgentSubjects.vmChanged(principal.tenantId), async (tx) => {
      const vm = await this.vms.create(tx, principal.tenantId, name, labels);
      return { result: vmView(vm), before: null, after: vm, event: this.event(principal, vm, 'created') };
    });
  }

  remove(principal: Principal, id: string): Promise<void> {
    return this.db
      .forTenant(principal.tenantId, (tx) => this.vms.get(tx, principal.tenantId, id))
      .then((vm) => {
        const change = { kind: 'vm', name: vm.name, action: 'deleted' } as const;
        const subject = AgentSubjects.vmChanged(principal.tenantId);
        return this.changes.record(principal, change, subject, async (tx) => {
          await this.vms.delete(tx, principal.tenantId, id);
          return { result: undefined, before: vm, after: null, event: this.event(principal, vm, 'deleted') };
        });
      });
  }

  /** A new agent token for the VM, revoking older ones; shown once, never stored (it is signed). */
  async issueAgentToken(principal: Principal, id: string): Promise<{ token: string; generation: number }> {
    const before = await this.db.forTenant(principal.tenantId, (tx) =>
      this.vms.get(tx, principal.tenantId, id),
    );
    const change = { kind: 'vm', name: before.name, action: 'updated' } as const;
    const subject = AgentSubjects.vmChanged(principal.tenantId);
    const vm = await this.changes.record(principal, change, subject, async (tx) => {
      const after = await this.vms.rotateAgentToken(tx, principal.tenantId, id);
      return { result: after, before, after, event: this.event(principal, after, 'agent-token-issued') };
    });
    this.key ??= proxyTokenKey(this.db, this.keys, this.config.PROXY_TOKEN_SECRET);
    const claims = { vmId: vm.id, tenantId: vm.tenantId, generation: vm.agentTokenGeneration };
    return { token: signAgentToken(claims, await this.key), generation: vm.agentTokenGeneration };
  }

  private event(principal: Principal, vm: VmRecord, action: VmEvent['action']): VmEvent {
    return {
      tenantId: vm.tenantId,
      vmId: vm.id,
      name: vm.name,
      action,
      actor: principal.subject,
      occurredAt: new Date().toISOString(),
    };
  }
}

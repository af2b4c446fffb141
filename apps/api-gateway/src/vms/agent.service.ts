import {
  Database,
  Json,
  OutboxRepository,
  ProxyRecord,
  ProxyRepository,
  TenantTx,
  VmRecord,
  VmRegistration,
  VmRepository,
} from '@envoy-fleet/data-access';
import {
  AgentAssignments,
  AgentTokenClaims,
  DomainError,
  Principal,
  ProxyLifecycleState,
} from '@envoy-fleet/domain';
import {
  AgentSubjects,
  DeploymentCompletedEvent,
  OutboxRelayService,
  ProxyLifecycleEvent,
  VmEvent,
} from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigChangeService } from '../config-changes/config-change.service';
import { ProxyTokensService } from '../proxies/proxy-tokens.service';
import { VM_OFFLINE_AFTER_MS } from './vm-view';

/** What node-agents do through the API: register, heartbeat, learn their proxies, report on them. */
@Injectable()
export class AgentService {
  constructor(
    private readonly db: Database,
    private readonly vms: VmRepository,
    private readonly proxies: ProxyRepository,
    private readonly tokens: ProxyTokensService,
    private readonly changes: ConfigChangeService,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  register(agent: AgentTokenClaims, registration: VmRegistration): Promise<AgentAssignments> {
    const principal = agentPrincipal(agent);
    return this.db
      .forTenant(agent.tenantId, (tx) => this.vms.get(tx, agent.tenantId, agent.vmId))
      .then((before) => {
        const change = { kind: 'vm', name: before.name, action: 'updated' } as const;
        return this.changes.record(principal, change, AgentSubjects.vmChanged(agent.tenantId), async (tx) => {
          const after = await this.vms.register(tx, agent.tenantId, agent.vmId, registration, new Date());
          const event: VmEvent = {
            tenantId: agent.tenantId,
            vmId: after.id,
            name: after.name,
            action: 'registered',
            actor: principal.subject,
            occurredAt: new Date().toISOString(),
          };
          return { result: after, before, after, event };
        });
      })
      .then(() => this.assignments(agent));
  }

  /** Keeps the VM online; not audited (it happens every few seconds). */
  async heartbeat(agent: AgentTokenClaims): Promise<void> {
    await this.db.forTenant(agent.tenantId, (tx) =>
      this.vms.heartbeat(tx, agent.tenantId, agent.vmId, new Date()),
    );
  }

  /** The full list of proxies assigned to the agent's VM, each with its bootstrap. */
  async assignments(agent: AgentTokenClaims): Promise<AgentAssignments> {
    const { vm, proxies } = await this.db.forTenant(agent.tenantId, async (tx) => ({
      vm: await this.vms.get(tx, agent.tenantId, agent.vmId),
      proxies: await this.proxies.listForVm(tx, agent.tenantId, agent.vmId),
    }));
    const assigned = await Promise.all(
      proxies.map(async (proxy) => {
        const rendered = await this.tokens.bootstrap(proxy, { client: 'envoy', format: 'json' });
        return {
          id: proxy.id,
          nodeId: proxy.nodeId,
          labels: proxy.labels,
          bootstrap: JSON.parse(rendered.body) as Record<string, unknown>,
          restartCount: proxy.lifecycle?.restartCount ?? 0,
        };
      }),
    );
    return {
      vm: { id: vm.id, tenantId: vm.tenantId, name: vm.name },
      proxies: assigned,
      heartbeatIntervalMs: Math.floor(VM_OFFLINE_AFTER_MS / 3),
    };
  }

  /**
   * Records a state change of one proxy's container and publishes it; when it leaves every proxy
   * of a VM with pending assignments running, also publishes `fleet.deployment.completed`. A proxy
   * just unassigned from the VM may still be reported on (the agent drains and removes it).
   */
  async reportLifecycle(
    agent: AgentTokenClaims,
    proxyId: string,
    report: { state: ProxyLifecycleState; detail?: string; restartCount: number },
  ): Promise<ProxyRecord> {
    const before = await this.db.forTenant(agent.tenantId, (tx) =>
      this.proxies.get(tx, agent.tenantId, proxyId),
    );
    if (before.vmId !== undefined && before.vmId !== agent.vmId) {
      throw new DomainError('PERMISSION_DENIED', `proxy '${before.nodeId}' is assigned to another VM`);
    }
    const unchanged =
      before.lifecycle?.state === report.state &&
      before.lifecycle.restartCount === report.restartCount &&
      (before.lifecycle.detail ?? undefined) === report.detail;
    if (unchanged) return before;
    const principal = agentPrincipal(agent);
    const change = { kind: 'proxy', name: before.nodeId, action: 'updated' } as const;
    return this.changes.record(
      principal,
      change,
      AgentSubjects.proxyLifecycle(agent.tenantId),
      async (tx) => {
        const lifecycle = { ...report, updatedAt: new Date() };
        const after = await this.proxies.setLifecycle(tx, agent.tenantId, proxyId, lifecycle);
        await this.completeRollout(tx, agent);
        const event: ProxyLifecycleEvent = {
          tenantId: agent.tenantId,
          proxyId,
          nodeId: after.nodeId,
          vmId: agent.vmId,
          state: report.state,
          ...(before.lifecycle ? { previousState: before.lifecycle.state } : {}),
          ...(report.detail ? { detail: report.detail } : {}),
          restartCount: report.restartCount,
          occurredAt: lifecycle.updatedAt.toISOString(),
        };
        return { result: after, before, after, event };
      },
    );
  }

  private async completeRollout(tx: TenantTx, agent: AgentTokenClaims): Promise<void> {
    const vm: VmRecord = await this.vms.get(tx, agent.tenantId, agent.vmId);
    if (!vm.rolloutPending) return;
    const proxies = await this.proxies.listForVm(tx, agent.tenantId, agent.vmId);
    if (!proxies.every((proxy) => proxy.lifecycle?.state === 'running')) return;
    await this.vms.setRolloutPending(tx, vm.id, false);
    const event: DeploymentCompletedEvent = {
      tenantId: vm.tenantId,
      vmId: vm.id,
      vmName: vm.name,
      proxyIds: proxies.map((proxy) => proxy.id),
      occurredAt: new Date().toISOString(),
    };
    const subject = AgentSubjects.deploymentCompleted(vm.tenantId);
    await this.outbox.add(tx, vm.tenantId, subject, JSON.parse(JSON.stringify(event)) as Json, randomUUID());
    this.relay.kick();
  }
}

/** Who an agent's writes are audited as. */
function agentPrincipal(agent: AgentTokenClaims): Principal {
  return { subject: `node-agent:${agent.vmId}`, tenantId: agent.tenantId, roles: [] };
}

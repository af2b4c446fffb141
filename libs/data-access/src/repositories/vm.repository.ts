import { Injectable } from '@nestjs/common';
import type { Vm, VmCapacity, VmStatus } from '@envoy-fleet/domain';
import type { SystemTx, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';
import type { Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, readPage, scopedKeysetArgs } from '../paging';

const KIND = 'vm';

/** A VM with what its agent last told the control plane. */
export interface VmRecord extends Vm {
  /** 0 until an agent token is issued; tokens of older generations are refused. */
  agentTokenGeneration: number;
  /** The status last stored (the offline sweep and heartbeats write it). */
  status: VmStatus;
  lastHeartbeatAt?: Date;
  /** Assignments changed and not every assigned proxy runs yet. */
  rolloutPending: boolean;
  /** Bumped when its name, labels or agent tokens change (not by heartbeats): the ETag. */
  revision: number;
}

/** What a node-agent reports when it registers. */
export interface VmRegistration {
  hostname: string;
  capacity: VmCapacity;
  agentVersion: string;
}

function toVm(row: Rows.Vm): VmRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    labels: row.labels as Record<string, string>,
    ...(row.hostname ? { hostname: row.hostname } : {}),
    capacity: row.capacity as VmCapacity,
    ...(row.agentVersion ? { agentVersion: row.agentVersion } : {}),
    createdAt: row.createdAt,
    agentTokenGeneration: row.agentTokenGeneration,
    status: row.status as VmStatus,
    ...(row.lastHeartbeatAt ? { lastHeartbeatAt: row.lastHeartbeatAt } : {}),
    rolloutPending: row.rolloutPending,
    revision: row.revision,
  };
}

/** VMs of tenants, each running one node-agent; named uniquely within the tenant. */
@Injectable()
export class VmRepository {
  /** ALREADY_EXISTS when the tenant has a VM of that name. */
  async create(tx: Tx, tenantId: string, name: string, labels: Record<string, string>): Promise<VmRecord> {
    return toVm(await uniqueAs(KIND, name, () => tx.vm.create({ data: { tenantId, name, labels } })));
  }

  /** The tenant's VM with this id; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, id: string): Promise<VmRecord> {
    return toVm(found(KIND, id, await tx.vm.findFirst({ where: { id, tenantId } })));
  }

  async list(tx: Tx, tenantId: string): Promise<VmRecord[]> {
    const rows = await tx.vm.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map(toVm);
  }

  /** One page of the tenant's VMs by keyset (labels filter too): one query of at most `limit + 1` rows. */
  async page(tx: Tx, tenantId: string, request: PageRequest): Promise<Page<VmRecord>> {
    const page = await readPage(request, { name: 'name', labels: 'labels' }, (args) =>
      tx.vm.findMany(scopedKeysetArgs<Prisma.VmFindManyArgs>(args, { tenantId })),
    );
    return { items: page.items.map(toVm), nextCursor: page.nextCursor };
  }

  /** Deletes the VM; its proxies stay, assigned to no VM. */
  async delete(tx: Tx, tenantId: string, id: string): Promise<void> {
    const { count } = await tx.vm.deleteMany({ where: { id, tenantId } });
    if (count === 0) found(KIND, id, null);
  }

  /** Bumps the agent token generation, revoking every agent token issued for the VM so far. */
  async rotateAgentToken(tx: Tx, tenantId: string, id: string): Promise<VmRecord> {
    await this.get(tx, tenantId, id);
    return toVm(await tx.vm.update({ where: { id }, data: { agentTokenGeneration: { increment: 1 } } }));
  }

  /** Stores what the agent reported and marks the VM online. */
  async register(
    tx: Tx,
    tenantId: string,
    id: string,
    registration: VmRegistration,
    at: Date,
  ): Promise<VmRecord> {
    await this.get(tx, tenantId, id);
    const data = {
      hostname: registration.hostname,
      capacity: { ...registration.capacity },
      agentVersion: registration.agentVersion,
      status: 'online',
      lastHeartbeatAt: at,
    };
    return toVm(await tx.vm.update({ where: { id }, data }));
  }

  /** Records a heartbeat; returns the VM as it was before, so a caller can tell it came back online. */
  async heartbeat(tx: Tx, tenantId: string, id: string, at: Date): Promise<VmRecord> {
    const before = await this.get(tx, tenantId, id);
    await tx.vm.update({ where: { id }, data: { status: 'online', lastHeartbeatAt: at } });
    return before;
  }

  async setRolloutPending(tx: Tx, id: string, rolloutPending: boolean): Promise<void> {
    await tx.vm.updateMany({ where: { id }, data: { rolloutPending } });
  }

  /** Online VMs of every tenant whose last heartbeat is older than `before`; needs the system role. */
  async listStale(tx: SystemTx, before: Date): Promise<VmRecord[]> {
    const rows = await tx.vm.findMany({ where: { status: 'online', lastHeartbeatAt: { lt: before } } });
    return rows.map(toVm);
  }

  /** Marks the VM offline unless a heartbeat arrived meanwhile; true when this call changed it. */
  async markOffline(tx: SystemTx, id: string, before: Date): Promise<boolean> {
    const { count } = await tx.vm.updateMany({
      where: { id, status: 'online', lastHeartbeatAt: { lt: before } },
      data: { status: 'offline' },
    });
    return count > 0;
  }
}

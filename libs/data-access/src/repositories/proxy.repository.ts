import { Injectable } from '@nestjs/common';
import type { Proxy, ProxyLifecycleState } from '@envoy-fleet/domain';
import { isUuid } from '@envoy-fleet/domain';
import type { SystemTx, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';

const KIND = 'proxy';

/** A proxy with its connection state, as the control plane last saw it. */
export interface ProxyRecord extends Proxy {
  /** Tokens issued before the last rotation carry a lower generation and are refused. */
  tokenGeneration: number;
  /** Bumped when labels, VM or tokens change (not by connection or container state): the ETag. */
  revision: number;
  connected: boolean;
  lastConnectedAt?: Date;
  lastDisconnectedAt?: Date;
  /** The VM whose node-agent runs the proxy, when one does. */
  vmId?: string;
  /** What that node-agent last reported about the proxy's container. */
  lifecycle?: ProxyLifecycle;
}

/** A proxy's container as its node-agent last reported it. */
export interface ProxyLifecycle {
  state: ProxyLifecycleState;
  detail?: string;
  /** Restarts after crashes, as counted by the agent. */
  restartCount: number;
  updatedAt: Date;
}

/** A proxy row as the domain sees it. */
export function toProxy(row: Rows.Proxy): ProxyRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    nodeId: row.nodeId,
    labels: row.labels as Record<string, string>,
    createdAt: row.createdAt,
    tokenGeneration: row.tokenGeneration,
    revision: row.revision,
    connected: row.connected,
    ...(row.lastConnectedAt ? { lastConnectedAt: row.lastConnectedAt } : {}),
    ...(row.lastDisconnectedAt ? { lastDisconnectedAt: row.lastDisconnectedAt } : {}),
    ...(row.vmId ? { vmId: row.vmId } : {}),
    ...(row.lifecycleState && row.lifecycleUpdatedAt
      ? {
          lifecycle: {
            state: row.lifecycleState as ProxyLifecycleState,
            ...(row.lifecycleDetail ? { detail: row.lifecycleDetail } : {}),
            restartCount: row.restartCount,
            updatedAt: row.lifecycleUpdatedAt,
          },
        }
      : {}),
  };
}

/**
 * Proxies registered to tenants. A node id is unique within its tenant only (another tenant may
 * use the same one, and must not learn that it does): services proxies connect to find a proxy by
 * the id in its token, never by node id alone.
 */
@Injectable()
export class ProxyRepository {
  /** Registers a proxy; ALREADY_EXISTS when the tenant already has a proxy with this node id. */
  async create(
    tx: Tx,
    tenantId: string,
    nodeId: string,
    labels: Record<string, string> = {},
    vmId?: string,
  ): Promise<ProxyRecord> {
    return toProxy(
      await uniqueAs(KIND, nodeId, () =>
        tx.proxy.create({ data: { tenantId, nodeId, labels, ...(vmId ? { vmId } : {}) } }),
      ),
    );
  }

  /** Finds a proxy by id (the one its token names), whatever its tenant; needs the system role. */
  async findById(tx: SystemTx, id: string): Promise<ProxyRecord | null> {
    if (!isUuid(id)) return null; // any other string names no proxy (and would fail the uuid column)
    const row = await tx.proxy.findUnique({ where: { id } });
    return row ? toProxy(row) : null;
  }

  /** The tenant's proxy with this id; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, id: string): Promise<ProxyRecord> {
    return toProxy(found(KIND, id, await tx.proxy.findFirst({ where: { id, tenantId } })));
  }

  /** The tenant's proxies, by node id. */
  async list(tx: Tx, tenantId: string): Promise<ProxyRecord[]> {
    const rows = await tx.proxy.findMany({ where: { tenantId }, orderBy: { nodeId: 'asc' } });
    return rows.map(toProxy);
  }

  /** Replaces the proxy's labels. */
  async setLabels(tx: Tx, id: string, labels: Record<string, string>): Promise<ProxyRecord> {
    await this.requireExists(tx, id);
    return toProxy(await tx.proxy.update({ where: { id }, data: { labels } }));
  }

  /** The proxies assigned to the VM, by node id. */
  async listForVm(tx: Tx, tenantId: string, vmId: string): Promise<ProxyRecord[]> {
    const rows = await tx.proxy.findMany({ where: { tenantId, vmId }, orderBy: { nodeId: 'asc' } });
    return rows.map(toProxy);
  }

  /** Assigns the proxy to a VM (null: to none); a new assignment starts with no lifecycle state. */
  async assignVm(tx: Tx, tenantId: string, id: string, vmId: string | null): Promise<ProxyRecord> {
    const before = await this.get(tx, tenantId, id);
    if ((before.vmId ?? null) === vmId) return before;
    const data = {
      vmId,
      lifecycleState: null,
      lifecycleDetail: null,
      lifecycleUpdatedAt: null,
      restartCount: 0,
    };
    return toProxy(await tx.proxy.update({ where: { id }, data }));
  }

  /** Records what the agent reported about the proxy's container. */
  async setLifecycle(tx: Tx, tenantId: string, id: string, lifecycle: ProxyLifecycle): Promise<ProxyRecord> {
    await this.get(tx, tenantId, id);
    const data = {
      lifecycleState: lifecycle.state,
      lifecycleDetail: lifecycle.detail ?? null,
      restartCount: lifecycle.restartCount,
      lifecycleUpdatedAt: lifecycle.updatedAt,
    };
    return toProxy(await tx.proxy.update({ where: { id }, data }));
  }

  /** Revokes every token issued for the proxy so far; returns it with the new generation. */
  async rotateToken(tx: Tx, tenantId: string, id: string): Promise<ProxyRecord> {
    await this.get(tx, tenantId, id);
    return toProxy(await tx.proxy.update({ where: { id }, data: { tokenGeneration: { increment: 1 } } }));
  }

  /** Records a stream opening (connected) or closing, stamping the matching time. */
  async setConnected(tx: Tx, id: string, connected: boolean, at = new Date()): Promise<ProxyRecord> {
    await this.requireExists(tx, id);
    const data = connected ? { connected, lastConnectedAt: at } : { connected, lastDisconnectedAt: at };
    return toProxy(await tx.proxy.update({ where: { id }, data }));
  }

  /** Like setConnected, without failing for a proxy deleted meanwhile (batched status writes). */
  async markConnected(tx: Tx, id: string, connected: boolean, at: Date): Promise<void> {
    const data = connected ? { connected, lastConnectedAt: at } : { connected, lastDisconnectedAt: at };
    await tx.proxy.updateMany({ where: { id }, data });
  }

  /** Deletes the proxy and its status rows. */
  async delete(tx: Tx, tenantId: string, id: string): Promise<void> {
    const { count } = await tx.proxy.deleteMany({ where: { id, tenantId } });
    if (count === 0) found(KIND, id, null);
  }

  private async requireExists(tx: Tx, id: string): Promise<void> {
    found(KIND, id, await tx.proxy.findUnique({ where: { id }, select: { id: true } }));
  }
}

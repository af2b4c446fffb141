import { Injectable } from '@nestjs/common';
import type { ConfigRejection, ProxyTypeStatus } from '@envoy-fleet/domain';
import type { Tx } from '../database';
import * as Rows from '../generated/prisma/client';

/** A proxy's status for one resource type, as reported by the xDS server. */
export type ProxyTypeStatusUpdate = Omit<ProxyTypeStatus, 'updatedAt'>;

function toStatus(row: Rows.ProxyStatus): ProxyTypeStatus {
  return {
    type: row.type,
    state: row.state,
    sentVersion: row.sentVersion,
    ackedVersion: row.ackedVersion,
    ...(row.errorDetail !== null ? { errorDetail: row.errorDetail } : {}),
    sentResources: row.sentResources as Record<string, string>,
    ackedResources: row.ackedResources as Record<string, string>,
    ...(row.rejection !== null ? { rejection: row.rejection as unknown as ConfigRejection } : {}),
    updatedAt: row.updatedAt,
  };
}

/** What each proxy did with the last config it was sent, one row per proxy and resource type. */
@Injectable()
export class ProxyStatusRepository {
  /** Writes the proxy's status for one resource type, replacing the previous one. */
  async upsert(
    tx: Tx,
    tenantId: string,
    proxyId: string,
    status: ProxyTypeStatusUpdate,
  ): Promise<ProxyTypeStatus> {
    const fields = {
      state: status.state,
      sentVersion: status.sentVersion,
      ackedVersion: status.ackedVersion,
      errorDetail: status.errorDetail ?? null,
      sentResources: status.sentResources,
      ackedResources: status.ackedResources,
      rejection: status.rejection
        ? (status.rejection as unknown as Rows.Prisma.InputJsonValue)
        : Rows.Prisma.DbNull,
    };
    const row = await tx.proxyStatus.upsert({
      where: { proxyId_type: { proxyId, type: status.type } },
      create: { tenantId, proxyId, type: status.type, ...fields },
      update: fields,
    });
    return toStatus(row);
  }

  /** The statuses of all the tenant's proxies, for listing them with their sync state. */
  async listForTenant(tx: Tx, tenantId: string): Promise<Map<string, ProxyTypeStatus[]>> {
    const rows = await tx.proxyStatus.findMany({ where: { tenantId }, orderBy: { type: 'asc' } });
    const byProxy = new Map<string, ProxyTypeStatus[]>();
    for (const row of rows) byProxy.set(row.proxyId, [...(byProxy.get(row.proxyId) ?? []), toStatus(row)]);
    return byProxy;
  }

  /** The proxy's status per resource type, in a fixed type order. */
  async listForProxy(tx: Tx, proxyId: string): Promise<ProxyTypeStatus[]> {
    const rows = await tx.proxyStatus.findMany({ where: { proxyId }, orderBy: { type: 'asc' } });
    return rows.map(toStatus);
  }
}

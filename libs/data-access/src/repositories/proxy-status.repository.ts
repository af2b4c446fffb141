import { Injectable } from '@nestjs/common';
import type { ProxyTypeStatus } from '@envoy-fleet/domain';
import type { Tx } from '../database';
import type * as Rows from '../generated/prisma/client';

/** A proxy's status for one resource type, as reported by the xDS server. */
export type ProxyTypeStatusUpdate = Omit<ProxyTypeStatus, 'updatedAt'>;

function toStatus(row: Rows.ProxyStatus): ProxyTypeStatus {
  return {
    type: row.type,
    state: row.state,
    sentVersion: row.sentVersion,
    ackedVersion: row.ackedVersion,
    ...(row.errorDetail !== null ? { errorDetail: row.errorDetail } : {}),
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
    };
    const row = await tx.proxyStatus.upsert({
      where: { proxyId_type: { proxyId, type: status.type } },
      create: { tenantId, proxyId, type: status.type, ...fields },
      update: fields,
    });
    return toStatus(row);
  }

  /** The proxy's status per resource type, in a fixed type order. */
  async listForProxy(tx: Tx, proxyId: string): Promise<ProxyTypeStatus[]> {
    const rows = await tx.proxyStatus.findMany({ where: { proxyId }, orderBy: { type: 'asc' } });
    return rows.map(toStatus);
  }
}

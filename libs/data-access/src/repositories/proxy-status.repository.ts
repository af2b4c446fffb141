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

  /**
   * Writes many statuses in one statement (xds-server batches them: a push to 10,000 proxies
   * would otherwise be 10,000 transactions). Rows of proxies deleted meanwhile are skipped.
   */
  async upsertMany(
    tx: Tx,
    tenantId: string,
    rows: (ProxyTypeStatusUpdate & { proxyId: string })[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const records = rows.map((row) => ({
      proxy_id: row.proxyId,
      tenant_id: tenantId,
      type: row.type,
      state: row.state,
      sent_version: row.sentVersion,
      acked_version: row.ackedVersion,
      error_detail: row.errorDetail ?? null,
      sent_resources: row.sentResources,
      acked_resources: row.ackedResources,
      rejection: row.rejection ?? null,
    }));
    return tx.$executeRaw`
      INSERT INTO proxy_statuses (proxy_id, tenant_id, type, state, sent_version, acked_version,
                                  error_detail, sent_resources, acked_resources, rejection, updated_at)
      SELECT r.proxy_id, r.tenant_id, r.type::resource_type, r.state::sync_state, r.sent_version,
             r.acked_version, r.error_detail, r.sent_resources, r.acked_resources, r.rejection, now()
        FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
               proxy_id uuid, tenant_id uuid, type text, state text, sent_version text,
               acked_version text, error_detail text, sent_resources jsonb, acked_resources jsonb,
               rejection jsonb)
       WHERE EXISTS (SELECT 1 FROM proxies p WHERE p.id = r.proxy_id)
      ON CONFLICT (proxy_id, type) DO UPDATE
         SET state = EXCLUDED.state, sent_version = EXCLUDED.sent_version,
             acked_version = EXCLUDED.acked_version, error_detail = EXCLUDED.error_detail,
             sent_resources = EXCLUDED.sent_resources, acked_resources = EXCLUDED.acked_resources,
             rejection = EXCLUDED.rejection, updated_at = now()`;
  }

  /** The statuses of all the tenant's proxies, for listing them with their sync state. */
  async listForTenant(tx: Tx, tenantId: string): Promise<Map<string, ProxyTypeStatus[]>> {
    const rows = await tx.proxyStatus.findMany({ where: { tenantId }, orderBy: { type: 'asc' } });
    const byProxy = new Map<string, ProxyTypeStatus[]>();
    for (const row of rows) byProxy.set(row.proxyId, [...(byProxy.get(row.proxyId) ?? []), toStatus(row)]);
    return byProxy;
  }

  /** The statuses of these proxies (one query for many admissions), each in a fixed type order. */
  async listForProxies(tx: Tx, proxyIds: readonly string[]): Promise<Map<string, ProxyTypeStatus[]>> {
    const byProxy = new Map<string, ProxyTypeStatus[]>(proxyIds.map((id) => [id, []]));
    if (proxyIds.length === 0) return byProxy;
    const rows = await tx.proxyStatus.findMany({
      where: { proxyId: { in: [...byProxy.keys()] } },
      orderBy: [{ proxyId: 'asc' }, { type: 'asc' }],
    });
    for (const row of rows) byProxy.get(row.proxyId)?.push(toStatus(row));
    return byProxy;
  }

  /** The proxy's status per resource type, in a fixed type order. */
  async listForProxy(tx: Tx, proxyId: string): Promise<ProxyTypeStatus[]> {
    const rows = await tx.proxyStatus.findMany({ where: { proxyId }, orderBy: { type: 'asc' } });
    return rows.map(toStatus);
  }
}

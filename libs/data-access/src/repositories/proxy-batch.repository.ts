import { Injectable } from '@nestjs/common';
import type { SystemTx, Tx } from '../database';
import { isUuid } from '@envoy-fleet/domain';
import { ProxyRecord, toProxy } from './proxy.repository';

/** Whether a proxy's stream opened (connected) or closed, and when. */
export interface ProxyConnection {
  proxyId: string;
  connected: boolean;
  at: Date;
}

/**
 * Reads and writes of many proxies in one statement, for xds-server: a reconnect storm of 10,000
 * proxies is a few queries, not 10,000 transactions.
 */
@Injectable()
export class ProxyBatchRepository {
  /**
   * The proxies with these ids, whatever their tenant (absent ones are left out); needs the system
   * role. By id, not node id: node ids are unique only within a tenant.
   */
  async findByIds(tx: SystemTx, ids: readonly string[]): Promise<ProxyRecord[]> {
    // One malformed id must not fail the query for the whole batch.
    const wanted = [...new Set(ids)].filter(isUuid);
    if (wanted.length === 0) return [];
    const rows = await tx.proxy.findMany({ where: { id: { in: wanted } } });
    return rows.map(toProxy);
  }

  /** Records streams opening and closing, the last change per proxy winning; proxies deleted meanwhile are skipped. */
  async markConnectedMany(tx: Tx, changes: readonly ProxyConnection[]): Promise<number> {
    const latest = new Map(changes.map((change) => [change.proxyId, change]));
    if (latest.size === 0) return 0;
    const records = [...latest.values()].map(({ proxyId, connected, at }) => ({
      id: proxyId,
      connected,
      at: at.toISOString(),
    }));
    return tx.$executeRaw`
      UPDATE proxies AS p
         SET connected = r.connected,
             last_connected_at = CASE WHEN r.connected THEN r.at ELSE p.last_connected_at END,
             last_disconnected_at = CASE WHEN r.connected THEN p.last_disconnected_at ELSE r.at END,
             updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(id uuid, connected boolean, at timestamptz)
       WHERE p.id = r.id`;
  }
}

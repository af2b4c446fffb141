import { ProxyRecord } from '@envoy-fleet/data-access';
import { ProxyTypeStatus } from '@envoy-fleet/domain';

/** Where a proxy stands with its config, as `GET /v1/proxies?sync=` filters by. */
export const SYNC_FILTERS = ['synced', 'stale', 'nacked', 'disconnected'] as const;
export type ProxySync = (typeof SYNC_FILTERS)[number];

/**
 * disconnected: no open stream; nacked: it rejected the last version of some type; stale: it has
 * not acknowledged everything sent (or was sent nothing yet); synced: it runs what it was sent.
 */
export function syncOf(proxy: ProxyRecord, statuses: ProxyTypeStatus[]): ProxySync {
  if (!proxy.connected) return 'disconnected';
  if (statuses.some((s) => s.state === 'NACKED')) return 'nacked';
  if (statuses.length === 0 || statuses.some((s) => s.state !== 'ACKED')) return 'stale';
  return 'synced';
}

/** A status without its per-resource maps (those are at `GET /v1/proxies/:id/config`). */
export function summaryOf(
  status: ProxyTypeStatus,
): Omit<ProxyTypeStatus, 'sentResources' | 'ackedResources'> {
  const { sentResources: _sent, ackedResources: _acked, ...summary } = status;
  return summary;
}

/** One resource as sent and as acknowledged (content hashes; null where absent). */
export interface ResourceSync {
  name: string;
  sent: string | null;
  acked: string | null;
  inSync: boolean;
}

/** Every resource of one type that was sent or acknowledged. */
export function resourcesOf(status: ProxyTypeStatus): ResourceSync[] {
  const names = [
    ...new Set([...Object.keys(status.sentResources), ...Object.keys(status.ackedResources)]),
  ].sort();
  return names.map((name) => {
    const sent = status.sentResources[name] ?? null;
    const acked = status.ackedResources[name] ?? null;
    return { name, sent, acked, inSync: sent === acked };
  });
}

import type { ResourceType, SyncState } from '@envoy-fleet/domain';
import type { ProxyStatusEvent } from '@envoy-fleet/messaging';

/** `fleet_proxies{state}`: `connected` counts open metrics streams; the others split proxies by sync. */
export const FLEET_PROXY_STATES = ['connected', 'synced', 'syncing', 'stale', 'rejected'] as const;
export type FleetProxyState = (typeof FLEET_PROXY_STATES)[number];
export type SyncSummary = Exclude<FleetProxyState, 'connected'>;

interface TypeStatus {
  state: SyncState;
  at: number;
}

interface KnownProxy {
  tenantId: string;
  types: Map<ResourceType, TypeStatus>;
}

/**
 * One proxy's sync summary from the last status of each resource type: `rejected` if any type
 * is NACKED; else `stale` if a type is PENDING for longer than `staleAfterMs`; else `syncing` if
 * any is PENDING; else `synced`.
 */
export function summarize(types: Iterable<TypeStatus>, now: number, staleAfterMs: number): SyncSummary {
  let pending = false;
  let stale = false;
  for (const { state, at } of types) {
    if (state === 'NACKED') return 'rejected';
    if (state === 'PENDING') {
      pending = true;
      if (now - at > staleAfterMs) stale = true;
    }
  }
  return stale ? 'stale' : pending ? 'syncing' : 'synced';
}

/** What every proxy last did with its config, from `fleet.proxy.status` events. */
export class FleetProxies {
  private readonly proxies = new Map<string, KnownProxy>();

  /** Records an event; an older event than the one held for that type (redelivered, reordered) is ignored. */
  observe(event: ProxyStatusEvent): void {
    let proxy = this.proxies.get(event.proxyId);
    if (!proxy) {
      proxy = { tenantId: event.tenantId, types: new Map() };
      this.proxies.set(event.proxyId, proxy);
    }
    const at = Date.parse(event.occurredAt);
    const held = proxy.types.get(event.type);
    if (held && held.at > at) return;
    proxy.types.set(event.type, { state: event.state, at });
  }

  forget(proxyId: string): void {
    this.proxies.delete(proxyId);
  }

  /** Proxies per tenant and sync summary. */
  count(now: number, staleAfterMs: number): Map<string, Record<SyncSummary, number>> {
    const counts = new Map<string, Record<SyncSummary, number>>();
    for (const proxy of this.proxies.values()) {
      let tenant = counts.get(proxy.tenantId);
      if (!tenant) {
        tenant = { synced: 0, syncing: 0, stale: 0, rejected: 0 };
        counts.set(proxy.tenantId, tenant);
      }
      tenant[summarize(proxy.types.values(), now, staleAfterMs)] += 1;
    }
    return counts;
  }
}

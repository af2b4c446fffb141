import type { ResourceType } from '@envoy-fleet/domain';

/**
 * Make before break (xds_protocol.rst, "Eventual consistency considerations"): "CDS updates (if
 * any) must always be pushed first", EDS after CDS, LDS after CDS/EDS, RDS after LDS, and "Stale
 * CDS clusters and related EDS endpoints (ones no longer being referenced) can then be removed."
 * Secrets go before everything: clusters and listeners refer to them.
 */
const UPDATE_ORDER: readonly ResourceType[] = ['secret', 'cluster', 'endpoint', 'listener', 'route'];

/** Removals go last, parents first: a listener before its routes, a cluster before its endpoints. */
const REMOVAL_ORDER: readonly ResourceType[] = ['listener', 'route', 'cluster', 'endpoint', 'secret'];

/** Where an answer goes in one push: lower first. `removes` if it deletes resources the proxy holds. */
export function pushRank(type: ResourceType, removes: boolean): number {
  return removes ? UPDATE_ORDER.length + REMOVAL_ORDER.indexOf(type) : UPDATE_ORDER.indexOf(type);
}

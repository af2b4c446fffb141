import type { ProxyStats } from '../sink/fleet-stats';

/** Health of one tenant's traffic, from the last two stat flushes of each of its proxies. */
export interface TenantSignals {
  tenantId: string;
  /** Proxies with two samples, over which the figures are computed. */
  proxies: number;
  /** Downstream requests per second (`http.*.downstream_rq_total`, admin listener excluded). */
  requestRate: number;
  /** Share of those requests answered 5xx (`http.*.downstream_rq_5xx`), 0 without requests. */
  errorRatio5xx: number;
  /** Upstream connect failures, timeouts and resets per second (`cluster.*.upstream_cx_connect_fail`, `..._rq_timeout`, `..._rq_rx_reset`). */
  upstreamFailureRate: number;
}

/** The counter's increase; after a reset (Envoy restarted) the new value is the increase. */
function increase(current: number, previous: number): number {
  return current >= previous ? current - previous : current;
}

/** Sums each proxy's increase between its last two samples into per-second rates and a ratio. */
export function computeSignals(tenantId: string, proxies: Iterable<ProxyStats>): TenantSignals {
  let counted = 0;
  let requestRate = 0;
  let failureRate = 0;
  let requests = 0;
  let errors = 0;
  for (const proxy of proxies) {
    const { latest, previous } = proxy;
    if (proxy.tenantId !== tenantId || !latest || !previous) continue;
    const seconds = (latest.at - previous.at) / 1000;
    if (seconds <= 0) continue;
    counted += 1;
    const proxyRequests = increase(latest.requests, previous.requests);
    requests += proxyRequests;
    errors += increase(latest.errors5xx, previous.errors5xx);
    requestRate += proxyRequests / seconds;
    failureRate += increase(latest.upstreamFailures, previous.upstreamFailures) / seconds;
  }
  return {
    tenantId,
    proxies: counted,
    requestRate,
    errorRatio5xx: requests > 0 ? Math.min(1, errors / requests) : 0,
    upstreamFailureRate: failureRate,
  };
}

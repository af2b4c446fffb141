import { ProxyStatusEvent } from '@envoy-fleet/messaging';
import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsConfig } from '../metrics-config';
import { FleetStats } from '../sink/fleet-stats';
import { FLEET_PROXY_STATES, FleetProxies, FleetProxyState } from './fleet-proxies';

/** `fleet_proxies{tenant,state}` on `/metrics`, computed at scrape time. */
@Injectable()
export class FleetProxiesService {
  private readonly proxies = new FleetProxies();

  constructor(
    private readonly stats: FleetStats,
    private readonly config: MetricsConfig,
    metrics: AppMetrics,
  ) {
    const count = () => this.count();
    new Gauge({
      name: 'fleet_proxies',
      help: 'Proxies by tenant and state: connected (metrics stream open); synced, syncing, stale, rejected (config).',
      labelNames: ['tenant', 'state'],
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const [tenant, states] of count()) {
          for (const state of FLEET_PROXY_STATES) this.labels(tenant, state).set(states[state]);
        }
      },
    });
  }

  observe(event: ProxyStatusEvent): void {
    this.proxies.observe(event);
  }

  forget(proxyId: string): void {
    this.proxies.forget(proxyId);
  }

  /** Proxies per tenant and state, now. */
  count(now = Date.now()): Map<string, Record<FleetProxyState, number>> {
    const counts = new Map<string, Record<FleetProxyState, number>>();
    for (const [tenant, states] of this.proxies.count(now, this.config.METRICS_PROXY_STALE_AFTER_MS)) {
      counts.set(tenant, { connected: 0, ...states });
    }
    for (const proxy of this.stats.all()) {
      if (proxy.openStreams === 0) continue;
      let states = counts.get(proxy.tenantId);
      if (!states) {
        states = { connected: 0, synced: 0, syncing: 0, stale: 0, rejected: 0 };
        counts.set(proxy.tenantId, states);
      }
      states.connected += 1;
    }
    return counts;
  }
}

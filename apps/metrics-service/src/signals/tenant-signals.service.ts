import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { FleetStats } from '../sink/fleet-stats';
import { computeSignals, TenantSignals } from './tenant-signals';

/** Per-tenant signals for staged rollouts: at `/v1/signals/:tenantId` and as gauges on `/metrics`. */
@Injectable()
export class TenantSignalsService {
  constructor(
    private readonly stats: FleetStats,
    metrics: AppMetrics,
  ) {
    const gauges: [string, string, keyof TenantSignals][] = [
      [
        'fleet_tenant_request_rate',
        'Downstream requests per second over the tenant’s proxies.',
        'requestRate',
      ],
      ['fleet_tenant_5xx_ratio', 'Share of the tenant’s downstream requests answered 5xx.', 'errorRatio5xx'],
      [
        'fleet_tenant_upstream_failure_rate',
        'Upstream connect failures, timeouts and resets per second over the tenant’s proxies.',
        'upstreamFailureRate',
      ],
    ];
    const all = () => this.all();
    for (const [name, help, field] of gauges) {
      new Gauge({
        name,
        help,
        labelNames: ['tenant'],
        registers: [metrics.registry],
        collect() {
          this.reset();
          for (const signals of all()) this.labels(signals.tenantId).set(Number(signals[field]));
        },
      });
    }
  }

  /** The tenant's signals now (zeros and `proxies: 0` when none of its proxies reported twice). */
  of(tenantId: string): TenantSignals {
    return computeSignals(tenantId, this.stats.all());
  }

  /** Every reporting tenant's signals. */
  all(): TenantSignals[] {
    const tenants = new Set<string>();
    for (const proxy of this.stats.all()) tenants.add(proxy.tenantId);
    return [...tenants].map((tenantId) => this.of(tenantId));
  }
}

import { AppMetrics } from '@envoy-fleet/observability';
import { Counter, Gauge, Metric } from 'prom-client';
import { ExportedFamily } from './exported-family';
import { FleetStats } from './fleet-stats';
import { StatAllowlist } from './stat-allowlist';
import { StatNames } from './stat-names';

/** Settings of the sink's store. */
export interface FleetStatsSettings {
  allowlist: string;
  maxSeriesPerProxy: number;
  graceMs: number;
}

/**
 * The store, with its families registered in the app's registry (so `/metrics` shows every
 * proxy's stats) and the sink's own counters beside them.
 */
export function createFleetStats(appMetrics: AppMetrics, settings: FleetStatsSettings): FleetStats {
  const registry = appMetrics.registry;
  const stats = new FleetStats({
    names: new StatNames(StatAllowlist.parse(settings.allowlist)),
    maxSeriesPerProxy: settings.maxSeriesPerProxy,
    graceMs: settings.graceMs,
    // A family is not a prom-client class, but has everything the registry calls (name, get, reset).
    onFamilyAdded: (family: ExportedFamily) => registry.registerMetric(family as unknown as Metric),
    onFamilyRemoved: (family: ExportedFamily) => registry.removeSingleMetric(family.name),
  });
  const counters = stats.counters;
  new Counter({
    name: 'fleet_metrics_messages_total',
    help: 'StreamMetrics messages applied.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(counters.messages);
    },
  });
  new Counter({
    name: 'fleet_metrics_dropped_total',
    help: 'Envoy stats (one per name and message) not exported, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      setAll(this, counters.dropped);
    },
  });
  new Counter({
    name: 'fleet_metrics_streams_refused_total',
    help: 'StreamMetrics streams refused or cut, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      setAll(this, counters.refused);
    },
  });
  new Gauge({
    name: 'fleet_metrics_series',
    help: 'Envoy stat series exported, over all proxies.',
    registers: [registry],
    collect() {
      this.set(stats.seriesCount);
    },
  });
  new Gauge({
    name: 'fleet_metrics_proxies_reporting',
    help: 'Proxies whose stats are exported (streaming, or within the grace period).',
    registers: [registry],
    collect() {
      let count = 0;
      for (const _ of stats.all()) count += 1;
      this.set(count);
    },
  });
  return stats;
}

function setAll(counter: Counter<'reason'>, counts: Record<string, number>): void {
  counter.reset();
  for (const [reason, count] of Object.entries(counts)) counter.labels(reason).inc(count);
}

import { metrics } from '@envoy-fleet/envoy-api';
import { ExportedFamily, promTypeOf, Series, updateSeries } from './exported-family';
import { SinkCounters } from './sink-counters';
import { StatNames } from './stat-names';

/** Cumulative signal counters of one proxy at one time (Envoy's timestamp when it sent one). */
export interface SignalSample {
  at: number;
  requests: number;
  errors5xx: number;
  upstreamFailures: number;
}

/** The latest stats of one proxy, and the last two signal samples (rates need two). */
export class ProxyStats {
  readonly series = new Map<string, Series>();
  openStreams = 0;
  endedAt = 0;
  latest?: SignalSample;
  previous?: SignalSample;

  constructor(
    readonly tenantId: string,
    readonly proxyId: string,
    readonly nodeId: string,
  ) {}

  /** What the stats are kept by: node ids are unique only within a tenant. */
  get key(): string {
    return statsKey(this.tenantId, this.nodeId);
  }
}

const statsKey = (tenantId: string, nodeId: string) => `${tenantId}/${nodeId}`;

export interface FleetStatsOptions {
  names: StatNames;
  maxSeriesPerProxy: number;
  /** How long a proxy's stats outlive its last stream. */
  graceMs: number;
  /** Called when a family first appears and when its last series goes (to (un)register it). */
  onFamilyAdded: (family: ExportedFamily) => void;
  onFamilyRemoved: (family: ExportedFamily) => void;
}

/** The latest value of every exported stat of every proxy streaming to this sink. */
export class FleetStats {
  readonly counters = new SinkCounters();
  private readonly proxies = new Map<string, ProxyStats>();
  private readonly families = new Map<string, ExportedFamily>();

  constructor(private readonly options: FleetStatsOptions) {}

  /** Whether a stat is used at all (exported or feeding a signal): the others need not be decoded. */
  uses(statName: string): boolean {
    const name = this.options.names.classify(statName);
    return name.exported !== undefined || name.signal !== undefined;
  }

  /**
   * A stream of the proxy `proxyId`, registered as `nodeId` in `tenantId`, opened. Stats are kept
   * by tenant and node id (the labels they are exported with), never by node id alone.
   */
  open(tenantId: string, proxyId: string, nodeId: string): ProxyStats {
    let proxy = this.proxies.get(statsKey(tenantId, nodeId));
    if (proxy && proxy.proxyId !== proxyId) {
      // The node id was registered again (a new proxy): the old one's stats are not the new one's.
      this.remove(proxy);
      proxy = undefined;
    }
    if (!proxy) {
      proxy = new ProxyStats(tenantId, proxyId, nodeId);
      this.proxies.set(proxy.key, proxy);
    }
    proxy.openStreams += 1;
    return proxy;
  }

  /** A stream ended: when it was the last, the stats stay for the grace period. */
  close(proxy: ProxyStats, now = Date.now()): void {
    proxy.openStreams -= 1;
    if (proxy.openStreams === 0) proxy.endedAt = now;
  }

  /** Applies one message's families; `series_limit` when the proxy would exceed its series cap. */
  apply(proxy: ProxyStats, families: metrics.MetricFamily[], receivedAt = Date.now()): 'ok' | 'series_limit' {
    this.counters.messages += 1;
    // A stream still open of a proxy whose node id was registered again (a new proxy): its stats are gone.
    if (this.proxies.get(proxy.key) !== proxy) return 'ok';
    const sample: SignalSample = { at: 0, requests: 0, errors5xx: 0, upstreamFailures: 0 };
    let sawSignal = false;
    let result: 'ok' | 'series_limit' = 'ok';
    for (const family of families) {
      const name = this.options.names.classify(family.name ?? '');
      if (name.signal !== undefined) {
        sawSignal = true;
        for (const metric of family.metric) {
          sample[name.signal] += metric.counter?.value ?? 0;
          if (sample.at === 0) sample.at = metric.timestampMs ?? 0;
        }
      }
      if (name.exported === undefined) {
        this.counters.dropped.not_allowlisted += 1;
      } else if (result === 'ok') {
        result = this.applyFamily(proxy, name.exported, family);
      }
    }
    if (sawSignal) {
      if (sample.at === 0) sample.at = receivedAt;
      if (proxy.latest === undefined || sample.at > proxy.latest.at) {
        proxy.previous = proxy.latest;
        proxy.latest = sample;
      }
    }
    return result;
  }

  /** Forgets proxies whose last stream ended more than the grace period ago. */
  sweep(now = Date.now()): void {
    for (const proxy of this.proxies.values()) {
      if (proxy.openStreams === 0 && now - proxy.endedAt >= this.options.graceMs) this.remove(proxy);
    }
  }

  /** Every proxy with stats, streaming or within its grace period. */
  all(): IterableIterator<ProxyStats> {
    return this.proxies.values();
  }

  get seriesCount(): number {
    let count = 0;
    for (const proxy of this.proxies.values()) count += proxy.series.size;
    return count;
  }

  private applyFamily(
    proxy: ProxyStats,
    exported: string,
    family: metrics.MetricFamily,
  ): 'ok' | 'series_limit' {
    for (const metric of family.metric) {
      const key = metric.label.length === 0 ? exported : seriesKey(exported, metric.label);
      let series = proxy.series.get(key);
      if (series === undefined) {
        if (proxy.series.size >= this.options.maxSeriesPerProxy) {
          this.counters.dropped.series_limit += 1;
          return 'series_limit';
        }
        const exportedFamily = this.familyFor(exported, family);
        if (exportedFamily === undefined) {
          this.counters.dropped.type_conflict += 1;
          return 'ok';
        }
        series = {
          family: exportedFamily,
          labels: labelsOf(proxy, metric),
          value: 0,
          count: 0,
          sum: 0,
          points: [],
        };
        proxy.series.set(key, series);
        exportedFamily.series.add(series);
      }
      updateSeries(series, metric);
    }
    return 'ok';
  }

  /** The family for a name; undefined when it exists with another type (first type wins). */
  private familyFor(exported: string, family: metrics.MetricFamily): ExportedFamily | undefined {
    const type = promTypeOf(family.type);
    const existing = this.families.get(exported);
    if (existing) return existing.type === type ? existing : undefined;
    const created = new ExportedFamily(exported, type, family.help || `Envoy stat ${family.name ?? ''}`);
    this.families.set(exported, created);
    this.options.onFamilyAdded(created);
    return created;
  }

  private remove(proxy: ProxyStats): void {
    this.proxies.delete(proxy.key);
    for (const series of proxy.series.values()) {
      const family = series.family;
      family.series.delete(series);
      if (family.series.size === 0) {
        this.families.delete(family.name);
        this.options.onFamilyRemoved(family);
      }
    }
    proxy.series.clear();
  }
}

function seriesKey(exported: string, labels: metrics.LabelPair[]): string {
  let key = exported;
  for (const label of labels) key += `\u0000${label.name ?? ''}\u0000${label.value ?? ''}`;
  return key;
}

/** Envoy's labels (with `emit_tags_as_labels`), then ours, which win a clash. */
function labelsOf(proxy: ProxyStats, metric: metrics.Metric): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const label of metric.label) {
    if (label.name) labels[label.name.replace(/[^a-zA-Z0-9_]/g, '_')] = label.value ?? '';
  }
  labels['tenant'] = proxy.tenantId;
  labels['proxy'] = proxy.nodeId;
  return labels;
}

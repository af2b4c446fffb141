import { metrics } from '@envoy-fleet/envoy-api';

/** Prometheus exposition types the Envoy metric types map to. */
export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/**
 * Envoy's (Prometheus client model) types map one to one; GAUGE_HISTOGRAM has no 0.0.4 text
 * equivalent and is shown as a histogram; an unknown type as untyped.
 */
export function promTypeOf(type: metrics.MetricType | undefined): PromType {
  const { MetricType } = metrics;
  switch (type ?? MetricType.COUNTER) {
    case MetricType.COUNTER:
      return 'counter';
    case MetricType.GAUGE:
      return 'gauge';
    case MetricType.SUMMARY:
      return 'summary';
    case MetricType.HISTOGRAM:
    case MetricType.GAUGE_HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

/** A point of a histogram (`bound` = upper bound, `value` = cumulative count) or summary (quantile, value). */
export interface SeriesPoint {
  bound: number;
  value: number;
}

/** The latest value of one stat of one proxy. */
export interface Series {
  readonly family: ExportedFamily;
  /** `tenant`, `proxy` and Envoy's own labels. */
  readonly labels: Record<string, string>;
  /** Counter, gauge or untyped value. */
  value: number;
  /** Histograms and summaries. */
  count: number;
  sum: number;
  points: SeriesPoint[];
}

interface SampleValue {
  value: number;
  labels: Record<string, string>;
  metricName?: string;
}

/**
 * One Prometheus metric family on `/metrics`, built from the series every proxy sent under this
 * name. It is registered in prom-client's registry as a metric object: the registry calls `get()`
 * on scrape, so a message only updates numbers and a scrape reads them.
 */
export class ExportedFamily {
  readonly series = new Set<Series>();
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly type: PromType,
    readonly help: string,
  ) {}

  async get(): Promise<{
    name: string;
    help: string;
    type: PromType;
    aggregator: string;
    values: SampleValue[];
  }> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    };
  }

  /** Values are replaced, not accumulated, so there is nothing to reset. */
  reset(): void {
    // nothing
  }

  private values(): SampleValue[] {
    const values: SampleValue[] = [];
    for (const series of this.series) {
      if (this.type === 'histogram') this.pushHistogram(values, series);
      else if (this.type === 'summary') this.pushSummary(values, series);
      else values.push({ value: series.value, labels: series.labels });
    }
    return values;
  }

  private pushHistogram(values: SampleValue[], series: Series): void {
    const metricName = `${this.name}_bucket`;
    for (const point of series.points) {
      const le = point.bound === Infinity ? '+Inf' : String(point.bound);
      values.push({ metricName, labels: { ...series.labels, le }, value: point.value });
    }
    if (series.points.at(-1)?.bound !== Infinity) {
      values.push({ metricName, labels: { ...series.labels, le: '+Inf' }, value: series.count });
    }
    this.pushSumAndCount(values, series);
  }

  private pushSummary(values: SampleValue[], series: Series): void {
    for (const point of series.points) {
      values.push({ labels: { ...series.labels, quantile: String(point.bound) }, value: point.value });
    }
    this.pushSumAndCount(values, series);
  }

  private pushSumAndCount(values: SampleValue[], series: Series): void {
    values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
    values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
  }
}

/** Copies a decoded metric's numbers into its series. */
export function updateSeries(series: Series, metric: metrics.Metric): void {
  switch (series.family.type) {
    case 'counter':
      series.value = metric.counter?.value ?? 0;
      return;
    case 'gauge':
      series.value = metric.gauge?.value ?? 0;
      return;
    case 'untyped':
      series.value = metric.untyped?.value ?? 0;
      return;
    case 'histogram': {
      const histogram = metric.histogram;
      series.count = preferFloat(histogram?.sampleCountFloat, histogram?.sampleCount);
      series.sum = histogram?.sampleSum ?? 0;
      const buckets = histogram?.bucket ?? [];
      // Same buckets every flush: update the points in place instead of allocating new ones.
      const points = series.points;
      for (let i = 0; i < buckets.length; i++) {
        const bucket = buckets[i];
        const bound = bucket.upperBound ?? Infinity;
        const value = preferFloat(bucket.cumulativeCountFloat, bucket.cumulativeCount);
        if (i < points.length) {
          points[i].bound = bound;
          points[i].value = value;
        } else {
          points.push({ bound, value });
        }
      }
      if (points.length > buckets.length) points.length = buckets.length;
      return;
    }
    case 'summary': {
      const summary = metric.summary;
      series.count = summary?.sampleCount ?? 0;
      series.sum = summary?.sampleSum ?? 0;
      series.points = (summary?.quantile ?? []).map((q) => ({ bound: q.quantile ?? 0, value: q.value ?? 0 }));
      return;
    }
  }
}

/** The client model's rule: a `*_float` field overrides its integer twin when positive. */
function preferFloat(float: number | undefined, integer: number | undefined): number {
  return float !== undefined && float > 0 ? float : (integer ?? 0);
}

import { StatAllowlist } from './stat-allowlist';

/** Counters the per-tenant signals are derived from (Envoy's default, untagged stat names). */
export type SignalKind = 'requests' | 'errors5xx' | 'upstreamFailures';

/** What to do with one Envoy stat name. */
export interface StatName {
  /** Its Prometheus name when the allowlist keeps it; undefined when it is dropped. */
  exported?: string;
  /** The signal it feeds, whether or not it is exported. */
  signal?: SignalKind;
}

// The admin listener's HTTP stats are not traffic.
const SIGNALS: [RegExp, SignalKind][] = [
  [/^http\.(?!admin\.).+\.downstream_rq_total$/, 'requests'],
  [/^http\.(?!admin\.).+\.downstream_rq_5xx$/, 'errors5xx'],
  [
    /^cluster\..+\.(?:upstream_cx_connect_fail|upstream_rq_timeout|upstream_rq_rx_reset)$/,
    'upstreamFailures',
  ],
];

/** `cluster.a.upstream_rq_2xx` → `envoy_cluster_a_upstream_rq_2xx` (Prometheus allows `[a-zA-Z0-9_:]`). */
export function prometheusName(statName: string): string {
  return `envoy_${statName.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * Classifies stat names, remembering the answer: Envoy sends the same names on every flush, so
 * after the first message each family costs one map lookup.
 */
export class StatNames {
  private readonly known = new Map<string, StatName>();

  constructor(
    private readonly allowlist: StatAllowlist,
    /** Names remembered at most; beyond, names are classified each time (a proxy inventing names). */
    private readonly maxKnown = 100_000,
  ) {}

  classify(name: string): StatName {
    const known = this.known.get(name);
    if (known !== undefined) return known;
    const result: StatName = {};
    if (this.allowlist.allows(name)) result.exported = prometheusName(name);
    const signal = SIGNALS.find(([pattern]) => pattern.test(name));
    if (signal) result.signal = signal[1];
    if (this.known.size < this.maxKnown) this.known.set(name, result);
    return result;
  }
}

import { metrics } from '@envoy-fleet/envoy-api';

/** Envoy's default histogram bucket bounds (ms). */
const BOUNDS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];
const CLUSTER_STATS = [
  'upstream_rq_total',
  'upstream_rq_2xx',
  'upstream_rq_5xx',
  'upstream_rq_timeout',
  'upstream_rq_active',
  'upstream_cx_total',
  'upstream_cx_active',
  'upstream_cx_connect_fail',
  'membership_healthy',
  'lb_healthy_panic',
  'retry_or_shadow_abandoned',
];
const HTTP_STATS = [
  'downstream_rq_total',
  'downstream_rq_2xx',
  'downstream_rq_4xx',
  'downstream_rq_5xx',
  'downstream_rq_active',
  'downstream_cx_active',
];
const LISTENER_STATS = [
  'downstream_cx_total',
  'downstream_cx_active',
  'downstream_cx_destroy',
  'downstream_pre_cx_active',
];
const SERVER_STATS = [
  'live',
  'uptime',
  'memory_allocated',
  'memory_heap_size',
  'concurrency',
  'total_connections',
  'days_until_first_cert_expiring',
  'state',
  'version',
  'hot_restart_epoch',
];
const RUNTIME_STATS = ['load_success', 'load_error', 'num_keys', 'num_layers', 'override_dir_exists'];

/** Stat names as Envoy's `metrics_service` sink sends them (untagged), for one proxy with 8 clusters. */
function families(flush: number, at: number): metrics.MetricFamily[] {
  const out: metrics.MetricFamily[] = [];
  const counter = (name: string, value: number) =>
    out.push({
      name,
      type: metrics.MetricType.COUNTER,
      metric: [{ label: [], counter: { value }, timestampMs: at }],
    });
  for (let c = 0; c < 8; c++)
    for (const stat of CLUSTER_STATS) counter(`cluster.backend_${c}.${stat}`, flush * 10 + c);
  for (const stat of HTTP_STATS) counter(`http.ingress_http.${stat}`, flush * 100);
  for (const stat of LISTENER_STATS) counter(`listener.0.0.0.0_8080.${stat}`, flush * 3);
  for (const stat of SERVER_STATS) counter(`server.${stat}`, flush);
  for (const stat of RUNTIME_STATS) counter(`runtime.${stat}`, 1);
  for (const name of [
    'http.ingress_http.downstream_rq_time',
    'cluster.backend_0.upstream_rq_time',
    'cluster.backend_1.upstream_rq_time',
  ]) {
    const bucket = BOUNDS.map((upperBound, i) => ({
      upperBound,
      cumulativeCount: flush * (i + 1),
    }));
    out.push(
      metrics.MetricFamily.fromPartial({
        name,
        type: metrics.MetricType.HISTOGRAM,
        metric: [
          { histogram: { sampleCount: flush * 20, sampleSum: flush * 123.4, bucket }, timestampMs: at },
        ],
      }),
    );
  }
  return out;
}

export const FAMILIES_PER_MESSAGE = families(1, 0).length;

/**
 * Encoded StreamMetrics messages for one proxy: `first` carries the node identifier (as Envoy's
 * first message does), `flushes` are the ones that follow, with growing counters.
 */
export function encodedMessages(nodeId: string, flushes: number): { first: Buffer; flushes: Buffer[] } {
  const encode = (message: metrics.StreamMetricsMessage) =>
    Buffer.from(metrics.StreamMetricsMessage.encode(message).finish());
  const start = Date.now();
  return {
    first: encode(
      metrics.StreamMetricsMessage.fromPartial({
        identifier: { node: { id: nodeId } },
        envoyMetrics: families(0, start),
      }),
    ),
    flushes: Array.from({ length: flushes }, (_, i) =>
      encode({ envoyMetrics: families(i + 1, start + (i + 1) * 5000) }),
    ),
  };
}

import { metrics } from '@envoy-fleet/envoy-api';
import { Metric, Registry } from 'prom-client';
import { FleetStats } from './fleet-stats';
import { StatAllowlist } from './stat-allowlist';
import { StatNames } from './stat-names';

const counter = (name: string, value: number, timestampMs?: number): metrics.MetricFamily =>
  metrics.MetricFamily.fromPartial({
    name,
    type: metrics.MetricType.COUNTER,
    metric: [{ counter: { value }, ...(timestampMs ? { timestampMs } : {}) }],
  });

function storeWith(registry: Registry, maxSeriesPerProxy = 100, graceMs = 1000): FleetStats {
  return new FleetStats({
    names: new StatNames(StatAllowlist.parse('cluster.*.upstream_rq_*,server.*,http.*.downstream_rq_*')),
    maxSeriesPerProxy,
    graceMs,
    onFamilyAdded: (family) => registry.registerMetric(family as unknown as Metric),
    onFamilyRemoved: (family) => registry.removeSingleMetric(family.name),
  });
}

describe(FleetStats.name, () => {
  it('keeps the latest value per proxy and stat, labelled with tenant and proxy', async () => {
    const registry = new Registry();
    const stats = storeWith(registry);
    const proxy = stats.open('t1', 'p-a', 'node-a');
    stats.apply(proxy, [counter('cluster.c1.upstream_rq_2xx', 5)]);
    stats.apply(proxy, [counter('cluster.c1.upstream_rq_2xx', 7)]);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE envoy_cluster_c1_upstream_rq_2xx counter');
    expect(text).toContain('envoy_cluster_c1_upstream_rq_2xx{tenant="t1",proxy="node-a"} 7');
  });

  it("keeps two tenants' proxies with the same node id apart, each labelled with its tenant", async () => {
    const registry = new Registry();
    const stats = storeWith(registry);
    const inT1 = stats.open('t1', 'p-1', 'same-node');
    const inT2 = stats.open('t2', 'p-2', 'same-node');
    stats.apply(inT1, [counter('cluster.c1.upstream_rq_2xx', 5)]);
    stats.apply(inT2, [counter('cluster.c1.upstream_rq_2xx', 9)]);
    const text = await registry.metrics();
    expect(text).toContain('envoy_cluster_c1_upstream_rq_2xx{tenant="t1",proxy="same-node"} 5');
    expect(text).toContain('envoy_cluster_c1_upstream_rq_2xx{tenant="t2",proxy="same-node"} 9');
    expect([...stats.all()]).toHaveLength(2);
  });

  it('drops and counts stats outside the allowlist', async () => {
    const registry = new Registry();
    const stats = storeWith(registry);
    stats.apply(stats.open('t1', 'p-a', 'node-a'), [
      counter('runtime.load_success', 1),
      counter('server.live', 1),
    ]);
    expect(stats.counters.dropped.not_allowlisted).toBe(1);
    expect(await registry.metrics()).not.toContain('runtime');
  });

  it('shows histograms as buckets, sum and count, and summaries as quantiles', async () => {
    const registry = new Registry();
    const stats = storeWith(registry);
    stats.apply(stats.open('t1', 'p-a', 'node-a'), [
      metrics.MetricFamily.fromPartial({
        name: 'cluster.c1.upstream_rq_time',
        type: metrics.MetricType.HISTOGRAM,
        metric: [
          {
            histogram: {
              sampleCount: 3,
              sampleSum: 12.5,
              bucket: [
                { upperBound: 1, cumulativeCount: 1 },
                { upperBound: 10, cumulativeCount: 3 },
              ],
            },
          },
        ],
      }),
      metrics.MetricFamily.fromPartial({
        name: 'server.initialization_time_ms',
        type: metrics.MetricType.SUMMARY,
        metric: [{ summary: { sampleCount: 2, sampleSum: 30, quantile: [{ quantile: 0.5, value: 15 }] } }],
      }),
    ]);
    const text = await registry.metrics();
    const labels = 'tenant="t1",proxy="node-a"';
    expect(text).toContain(`envoy_cluster_c1_upstream_rq_time_bucket{${labels},le="10"} 3`);
    expect(text).toContain(`envoy_cluster_c1_upstream_rq_time_bucket{${labels},le="+Inf"} 3`);
    expect(text).toContain(`envoy_cluster_c1_upstream_rq_time_sum{${labels}} 12.5`);
    expect(text).toContain(`envoy_cluster_c1_upstream_rq_time_count{${labels}} 3`);
    expect(text).toContain(`envoy_server_initialization_time_ms{${labels},quantile="0.5"} 15`);
    expect(text).toContain(`envoy_server_initialization_time_ms_count{${labels}} 2`);
  });

  it('refuses series beyond the per-proxy cap and counts them', () => {
    const stats = storeWith(new Registry(), 2);
    const proxy = stats.open('t1', 'p-a', 'node-a');
    const result = stats.apply(proxy, [
      counter('server.a', 1),
      counter('server.b', 1),
      counter('server.c', 1),
    ]);
    expect(result).toBe('series_limit');
    expect(proxy.series.size).toBe(2);
    expect(stats.counters.dropped.series_limit).toBe(1);
  });

  it('forgets a proxy only after its last stream ended plus the grace period', async () => {
    const registry = new Registry();
    const stats = storeWith(registry, 100, 1000);
    const first = stats.open('t1', 'p-a', 'node-a');
    stats.open('t1', 'p-a', 'node-a');
    stats.apply(first, [counter('server.live', 1)]);
    stats.close(first, 10_000);
    stats.sweep(20_000);
    expect([...stats.all()]).toHaveLength(1);
    stats.close(first, 30_000);
    stats.sweep(30_500);
    expect([...stats.all()]).toHaveLength(1);
    stats.sweep(31_000);
    expect([...stats.all()]).toHaveLength(0);
    expect(await registry.metrics()).not.toContain('envoy_server_live');
  });

  it('keeps the last two signal samples, by Envoy timestamp', () => {
    const stats = storeWith(new Registry());
    const proxy = stats.open('t1', 'p-a', 'node-a');
    stats.apply(proxy, [counter('http.ingress.downstream_rq_total', 100, 1000)]);
    stats.apply(proxy, [counter('http.ingress.downstream_rq_total', 150, 6000)]);
    expect(proxy.previous).toMatchObject({ at: 1000, requests: 100 });
    expect(proxy.latest).toMatchObject({ at: 6000, requests: 150 });
  });
});

import { StatAllowlist } from './stat-allowlist';
import { prometheusName, StatNames } from './stat-names';

describe(StatNames.name, () => {
  const names = new StatNames(StatAllowlist.parse('cluster.*.upstream_rq_*,server.*'));

  it('exports allowlisted names under a Prometheus-safe name', () => {
    expect(names.classify('cluster.outbound|80||a.b.upstream_rq_2xx')).toEqual({
      exported: 'envoy_cluster_outbound_80__a_b_upstream_rq_2xx',
    });
    expect(names.classify('runtime.load_success')).toEqual({});
  });

  it('marks the counters signals come from, exported or not', () => {
    expect(names.classify('http.ingress_http.downstream_rq_total')).toEqual({ signal: 'requests' });
    expect(names.classify('http.ingress_http.downstream_rq_5xx').signal).toBe('errors5xx');
    expect(names.classify('http.admin.downstream_rq_total').signal).toBeUndefined();
    expect(names.classify('cluster.a.upstream_rq_timeout')).toEqual({
      exported: 'envoy_cluster_a_upstream_rq_timeout',
      signal: 'upstreamFailures',
    });
  });

  it('sanitizes names', () => {
    expect(prometheusName('listener.0.0.0.0_8080.downstream_cx_total')).toBe(
      'envoy_listener_0_0_0_0_8080_downstream_cx_total',
    );
  });
});

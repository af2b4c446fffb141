import { StatAllowlist } from './stat-allowlist';

describe(StatAllowlist.name, () => {
  const allowlist = StatAllowlist.parse(
    ' cluster.*.upstream_rq_* , server.*,,http.ingress.downstream_rq_total',
  );

  it('matches globs where * spans dots', () => {
    expect(allowlist.allows('cluster.outbound|80||svc.default.upstream_rq_2xx')).toBe(true);
    expect(allowlist.allows('server.live')).toBe(true);
    expect(allowlist.allows('http.ingress.downstream_rq_total')).toBe(true);
  });

  it('matches whole names only, with other regex characters taken literally', () => {
    expect(allowlist.allows('cluster.a.upstream_cx_total')).toBe(false);
    expect(allowlist.allows('xserver.live')).toBe(false);
    expect(allowlist.allows('http.ingressXdownstream_rq_total')).toBe(false);
  });

  it('allows nothing when empty', () => {
    expect(new StatAllowlist([]).allows('server.live')).toBe(false);
  });
});

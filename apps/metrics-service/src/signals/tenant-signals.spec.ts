import { ProxyStats } from '../sink/fleet-stats';
import { computeSignals } from './tenant-signals';

function proxy(tenantId: string, samples: [number, number, number, number][]): ProxyStats {
  const id = String(Math.random());
  const stats = new ProxyStats(tenantId, `proxy-${id}`, `node-${id}`);
  for (const [at, requests, errors5xx, upstreamFailures] of samples) {
    stats.previous = stats.latest;
    stats.latest = { at, requests, errors5xx, upstreamFailures };
  }
  return stats;
}

describe(computeSignals.name, () => {
  it('sums per-second increases over the tenant’s proxies', () => {
    const signals = computeSignals('t1', [
      proxy('t1', [
        [0, 100, 0, 0],
        [5000, 600, 50, 5],
      ]),
      proxy('t1', [
        [0, 0, 0, 0],
        [10_000, 1000, 0, 0],
      ]),
      proxy('t2', [
        [0, 0, 0, 0],
        [1000, 9999, 9999, 9999],
      ]),
    ]);
    expect(signals).toEqual({
      tenantId: 't1',
      proxies: 2,
      requestRate: 200,
      errorRatio5xx: 50 / 1500,
      upstreamFailureRate: 1,
    });
  });

  it('treats a counter that went down as restarted, and needs two samples', () => {
    const restarted = proxy('t1', [
      [0, 1000, 10, 0],
      [1000, 40, 4, 0],
    ]);
    const once = proxy('t1', [[0, 5, 0, 0]]);
    expect(computeSignals('t1', [restarted, once])).toMatchObject({
      proxies: 1,
      requestRate: 40,
      errorRatio5xx: 0.1,
    });
    expect(computeSignals('t3', [])).toMatchObject({ proxies: 0, requestRate: 0, errorRatio5xx: 0 });
  });
});

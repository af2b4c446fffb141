import { metrics } from '@envoy-fleet/envoy-api';
import { decodeStreamMetricsMessage } from './stream-metrics.codec';

describe(decodeStreamMetricsMessage.name, () => {
  const message = metrics.StreamMetricsMessage.fromPartial({
    identifier: { node: { id: 'envoy-1', cluster: 'edge' } },
    envoyMetrics: [
      {
        name: 'server.live',
        type: metrics.MetricType.GAUGE,
        metric: [{ gauge: { value: 1 }, timestampMs: 1234 }],
      },
      { name: 'runtime.load_success', type: metrics.MetricType.COUNTER, metric: [{ counter: { value: 7 } }] },
      {
        name: 'cluster.a.upstream_rq_time',
        type: metrics.MetricType.HISTOGRAM,
        metric: [
          { label: [{ name: 'k', value: 'v' }], histogram: { sampleCount: 2, bucket: [{ upperBound: 1 }] } },
        ],
      },
    ],
  });
  const bytes = metrics.StreamMetricsMessage.encode(message).finish();

  it('decodes kept families as the generated decoder does, and only the name of the others', () => {
    const full = metrics.StreamMetricsMessage.decode(bytes);
    const decoded = decodeStreamMetricsMessage(bytes, (name) => name !== 'runtime.load_success');
    expect(decoded.identifier).toEqual(full.identifier);
    expect(decoded.envoyMetrics[0]).toEqual(full.envoyMetrics[0]);
    expect(decoded.envoyMetrics[1]).toEqual({ name: 'runtime.load_success', metric: [] });
    expect(decoded.envoyMetrics[2]).toEqual(full.envoyMetrics[2]);
  });

  it('decodes everything when everything is kept', () => {
    expect(decodeStreamMetricsMessage(bytes, () => true)).toEqual(metrics.StreamMetricsMessage.decode(bytes));
  });
});

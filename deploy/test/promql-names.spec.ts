import { familyCandidates, metricNamesIn } from './promql-names';

describe('metricNamesIn', () => {
  it('finds metric names, not functions, label names, label values or durations', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, route) (rate(fleet_http_request_duration_seconds_bucket{app="api-gateway",status=~"5.."}[5m])))' +
      ' / on (app) group_left sum without (instance) (up{job="x"}) > 0.5 and fleet:api_error_ratio:rate1h offset 1h';
    expect(metricNamesIn(expr).sort()).toEqual([
      'fleet:api_error_ratio:rate1h',
      'fleet_http_request_duration_seconds_bucket',
      'up',
    ]);
  });

  it('maps histogram series to their family', () => {
    expect(familyCandidates('x_bucket')).toEqual(['x_bucket', 'x']);
    expect(familyCandidates('fleet_proxies')).toEqual(['fleet_proxies']);
  });
});

import { apiFieldOf } from './config-checks';

describe('apiFieldOf', () => {
  it.each([
    ['healthChecks[0].timeout', 'healthChecks[0].timeoutMs'],
    ['connectTimeout', 'connectTimeoutMs'],
    ['virtualHosts[0].routes[1].route.timeout', 'virtualHosts[0].routes[1].action.timeoutMs'],
    [
      'virtualHosts[0].routes[1].route.weightedClusters.clusters',
      'virtualHosts[0].routes[1].action.weightedClusters',
    ],
    [
      'virtualHosts[0].routes[1].route.retryPolicy.perTryTimeout',
      'virtualHosts[0].routes[1].action.retryPolicy.perTryTimeoutMs',
    ],
    ['virtualHosts[0].routes[1].match.safeRegex.regex', 'virtualHosts[0].routes[1].match.regex'],
    [
      'virtualHosts[0].routes[1].match.headers[2].stringMatch.exact',
      'virtualHosts[0].routes[1].match.headers[2].exact',
    ],
    ['virtualHosts[0].routes[1].directResponse.status', 'virtualHosts[0].routes[1].directResponse.status'],
    ['filterChains[1].filters[0].typedConfig.statPrefix', 'filterChains[1].tcpProxy.statPrefix'],
    ['filterChains[1].filters[0].typedConfig.clusterSpecifier', 'filterChains[1].tcpProxy.cluster'],
    ['filterChains[1].filters[0].typedConfig.idleTimeout', 'filterChains[1].tcpProxy.idleTimeoutMs'],
    [
      'filterChains[1].filters[0].typedConfig.weightedClusters.clusters[2].weight',
      'filterChains[1].tcpProxy.weightedClusters[2].weight',
    ],
    [
      'filterChains[1].filters[0].typedConfig.weightedClusters.clusters[2].name',
      'filterChains[1].tcpProxy.weightedClusters[2].cluster',
    ],
  ])('maps Envoy field %s to the API field %s', (envoy, api) => {
    expect(apiFieldOf(envoy)).toBe(api);
  });
});

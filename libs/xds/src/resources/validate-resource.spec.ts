import { cluster as envoyCluster, CLUSTER_TYPE_URL } from '@envoy-fleet/envoy-api';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import {
  clusterViolationsOfEnvoy,
  listenerViolationsOfEnvoy,
  routeConfigurationViolationsOfEnvoy,
  secretViolationsOfEnvoy,
} from './resource-violations';
import { resourceViolations } from './validate-resource';

const routes = (route: object) => ({
  name: 'r',
  virtualHosts: [
    { name: 'vh', domains: ['*'], routes: [{ name: 'x', match: { prefix: '/' }, ...route } as never] },
  ],
});

describe('resourceViolations', () => {
  it('accepts what the renderers make of a valid config', () => {
    const config = greeterConfig();
    expect(clusterViolationsOfEnvoy(config.clusters[0]!)).toEqual([]);
    expect(listenerViolationsOfEnvoy(config.listeners[0]!)).toEqual([]);
    expect(routeConfigurationViolationsOfEnvoy(config.routeConfigurations[0]!)).toEqual([]);
  });

  // cluster.proto: string name = 71 [(validate.rules).string = {min_len: 1}]
  it('enforces string.min_len (Cluster.name)', () => {
    const bytes = envoyCluster.Cluster.encode(envoyCluster.Cluster.fromPartial({ name: '' })).finish();
    expect(resourceViolations(CLUSTER_TYPE_URL, bytes)).toContainEqual({
      field: 'name',
      message: 'must be at least 1 characters (validate.rules string.min_len)',
    });
  });

  // route_components.proto DirectResponseAction: uint32 status = 1 [(validate.rules).uint32 = {lt: 600 gte: 200}]
  it('enforces uint32.gte and uint32.lt (DirectResponseAction.status)', () => {
    expect(routeConfigurationViolationsOfEnvoy(routes({ directResponse: { status: 99 } }))).toEqual([
      {
        field: 'virtualHosts[0].routes[0].directResponse.status',
        message: 'must be at least 200 (validate.rules uint32.gte)',
      },
    ]);
    expect(routeConfigurationViolationsOfEnvoy(routes({ directResponse: { status: 600 } }))[0]?.message).toBe(
      'must be less than 600 (validate.rules uint32.lt)',
    );
    expect(routeConfigurationViolationsOfEnvoy(routes({ directResponse: { status: 503 } }))).toEqual([]);
  });

  // health_check.proto: Duration timeout = 1 [(validate.rules).duration = {required: true gt {}}]
  it('enforces duration.gt inside repeated messages (HealthCheck.timeout)', () => {
    const check = { timeoutMs: 0, intervalMs: 1000, unhealthyThreshold: 3, healthyThreshold: 1, tcp: {} };
    expect(clusterViolationsOfEnvoy(clusterOf('c', [], { healthChecks: [check] }))).toEqual([
      { field: 'healthChecks[0].timeout', message: 'must be longer than 0s (validate.rules duration.gt)' },
    ]);
  });

  // route_components.proto RouteAction: repeated ClusterWeight clusters = 1 [(validate.rules).repeated = {min_items: 1}]
  it('enforces repeated.min_items (WeightedCluster.clusters)', () => {
    expect(routeConfigurationViolationsOfEnvoy(routes({ action: { weightedClusters: [] } }))).toContainEqual({
      field: 'virtualHosts[0].routes[0].route.weightedClusters.clusters',
      message: 'must have at least 1 item(s) (validate.rules repeated.min_items)',
    });
  });

  // endpoint_components.proto: uint32 load_balancing_weight wrapper [(validate.rules).uint32 = {gte: 1}]
  it('applies scalar rules to wrapper values (LbEndpoint.load_balancing_weight)', () => {
    expect(clusterViolationsOfEnvoy(clusterOf('c', [endpointAt(80, { weight: 0 })]))).toContainEqual({
      field: 'loadAssignment.endpoints[0].lbEndpoints[0].loadBalancingWeight',
      message: 'must be at least 1 (validate.rules uint32.gte)',
    });
  });

  // route_components.proto Route: oneof action { option (validate.required) = true; ... }
  it('enforces (validate.required) oneofs (Route.action)', () => {
    expect(routeConfigurationViolationsOfEnvoy(routes({}))).toContainEqual({
      field: 'virtualHosts[0].routes[0].action',
      message: expect.stringContaining('(validate.required)'),
    });
  });

  // Descends into Any: the listener's HttpConnectionManager (stat_prefix min_len: 1).
  it('checks typed configs packed in Any (HttpConnectionManager.stat_prefix)', () => {
    // A portless listener named '' renders an HCM with an empty stat prefix.
    expect(listenerViolationsOfEnvoy({ name: '', routeConfigName: 'r' })).toEqual([
      {
        field: 'apiListener.apiListener.statPrefix',
        message: 'must be at least 1 characters (validate.rules string.min_len)',
      },
    ]);
  });

  // tcp_proxy.proto: stat_prefix min_len 1, the cluster_specifier oneof (of a string and a
  // message) is required, and a weighted cluster's weight is at least 1.
  it('checks a TCP proxy typed config in a filter chain (TcpProxy)', () => {
    const listener = (tcpProxy: object) => ({ name: 'tcp', port: 9000, filterChains: [{ tcpProxy }] });
    expect(listenerViolationsOfEnvoy(listener({ cluster: 'db', idleTimeoutMs: 0 }))).toEqual([]);
    const at = 'filterChains[0].filters[0].typedConfig';
    expect(listenerViolationsOfEnvoy(listener({ statPrefix: '' }))).toEqual([
      { field: `${at}.clusterSpecifier`, message: expect.stringContaining('(validate.required)') },
      { field: `${at}.statPrefix`, message: 'must be at least 1 characters (validate.rules string.min_len)' },
    ]);
    expect(listenerViolationsOfEnvoy(listener({ weightedClusters: [{ cluster: 'a', weight: 0 }] }))).toEqual([
      {
        field: `${at}.weightedClusters.clusters[0].weight`,
        message: 'must be at least 1 (validate.rules uint32.gte)',
      },
    ]);
  });

  // secret.proto/tls.proto: a Secret's name is free; the DataSource oneof must be set.
  it('accepts a rendered TLS certificate secret', () => {
    expect(
      secretViolationsOfEnvoy({
        name: 's',
        type: 'TLS_CERTIFICATE',
        certificatePem: 'C',
        privateKeyPem: 'K',
      }),
    ).toEqual([]);
  });
});

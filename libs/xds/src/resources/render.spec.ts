import {
  cluster,
  core,
  hcm,
  HTTP_CONNECTION_MANAGER_TYPE_URL,
  HTTP_PROTOCOL_OPTIONS_KEY,
  ROUTER_FILTER_NAME,
  upstreamHttp,
} from '@envoy-fleet/envoy-api';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import { renderCluster } from './cluster';
import { renderListener } from './listener';
import { renderLoadAssignment } from './load-assignment';
import { renderRouteConfiguration } from './route-configuration';
import { renderSecret } from './secret';
import { renderTenantConfig } from './envoy-resources';

describe('renderCluster', () => {
  it('renders an EDS cluster over ADS with the declared lb policy, timeout and HTTP/2', () => {
    const rendered = renderCluster(
      clusterOf('api', [], { lbPolicy: 'RING_HASH', connectTimeoutMs: 2500, http2: true }),
    );
    expect(rendered.type).toBe(cluster.Cluster_DiscoveryType.EDS);
    expect(rendered.edsClusterConfig?.edsConfig?.ads).toEqual({});
    expect(rendered.edsClusterConfig?.edsConfig?.resourceApiVersion).toBe(core.ApiVersion.V3);
    expect(rendered.lbPolicy).toBe(cluster.Cluster_LbPolicy.RING_HASH);
    expect(rendered.connectTimeout).toEqual({ seconds: 2, nanos: 500_000_000 });
    const options = upstreamHttp.HttpProtocolOptions.decode(
      rendered.typedExtensionProtocolOptions[HTTP_PROTOCOL_OPTIONS_KEY]!.value,
    );
    expect(options.explicitHttpConfig?.http2ProtocolOptions).toBeDefined();
  });

  it('leaves protocol options out for HTTP/1 upstreams', () => {
    expect(renderCluster(clusterOf('web', [], { http2: false })).typedExtensionProtocolOptions).toEqual({});
  });
});

describe('renderLoadAssignment', () => {
  it('groups endpoints by priority and locality, each group weighted by the sum of its endpoints', () => {
    const west = { region: 'us', zone: 'us-west', subZone: '' };
    const assignment = renderLoadAssignment(
      clusterOf('api', [
        endpointAt(1, { weight: 3 }),
        endpointAt(2, { weight: 5, healthStatus: 'DRAINING' }),
        endpointAt(3, { weight: 7, locality: west, priority: 1 }),
      ]),
    );
    expect(assignment.clusterName).toBe('api');
    expect(assignment.endpoints).toHaveLength(2);
    const [first, second] = assignment.endpoints;
    expect(first).toMatchObject({
      priority: 0,
      loadBalancingWeight: 8,
      locality: { region: 'eu', zone: 'eu-1', subZone: '' },
    });
    expect(
      first!.lbEndpoints.map((e) => [
        e.endpoint?.address?.socketAddress?.portValue,
        e.loadBalancingWeight,
        e.healthStatus,
      ]),
    ).toEqual([
      [1, 3, core.HealthStatus.HEALTHY],
      [2, 5, core.HealthStatus.DRAINING],
    ]);
    expect(second).toMatchObject({ priority: 1, loadBalancingWeight: 7, locality: west });
  });
});

describe('renderListener', () => {
  it('renders a portless listener as an API listener whose HCM uses RDS over ADS and ends with the router', () => {
    const rendered = renderListener({ name: 'greeter', routeConfigName: 'greeter-routes' });
    expect(rendered.address).toBeUndefined();
    const any = rendered.apiListener!.apiListener!;
    expect(any.typeUrl).toBe(HTTP_CONNECTION_MANAGER_TYPE_URL);
    const manager = hcm.HttpConnectionManager.decode(any.value);
    expect(manager.rds?.routeConfigName).toBe('greeter-routes');
    expect(manager.rds?.configSource?.ads).toEqual({});
    expect(manager.httpFilters.at(-1)?.name).toBe(ROUTER_FILTER_NAME);
  });

  it('renders a listener with a port as a socket listener holding the same HCM', () => {
    const rendered = renderListener({ name: 'edge', port: 8080, routeConfigName: 'edge-routes' });
    expect(rendered.address?.socketAddress).toMatchObject({ address: '0.0.0.0', portValue: 8080 });
    const filter = rendered.filterChains[0]!.filters[0]!;
    expect(hcm.HttpConnectionManager.decode(filter.typedConfig!.value).rds?.routeConfigName).toBe(
      'edge-routes',
    );
  });
});

describe('renderRouteConfiguration', () => {
  it('renders prefix and path matches, single and weighted clusters, and timeouts', () => {
    const rendered = renderRouteConfiguration({
      name: 'r',
      virtualHosts: [
        {
          name: 'vh',
          domains: ['svc'],
          routes: [
            { name: 'exact', match: { path: '/a.B/C' }, action: { cluster: 'c1', timeoutMs: 1500 } },
            {
              name: 'split',
              match: { prefix: '/' },
              action: {
                weightedClusters: [
                  { cluster: 'c1', weight: 90 },
                  { cluster: 'c2', weight: 10 },
                ],
              },
            },
          ],
        },
      ],
    });
    const [exact, split] = rendered.virtualHosts[0]!.routes;
    expect(exact!.match).toMatchObject({ path: '/a.B/C' });
    expect(exact!.route).toMatchObject({ cluster: 'c1', timeout: { seconds: 1, nanos: 500_000_000 } });
    expect(split!.match?.prefix).toBe('/');
    expect(split!.route?.weightedClusters?.clusters.map((c) => [c.name, c.weight])).toEqual([
      ['c1', 90],
      ['c2', 10],
    ]);
  });
});

describe('renderSecret', () => {
  it('renders TLS certificates and validation contexts', () => {
    const cert = renderSecret({
      name: 'cert',
      type: 'TLS_CERTIFICATE',
      certificatePem: 'CHAIN',
      privateKeyPem: 'KEY',
    });
    expect(cert.tlsCertificate?.certificateChain?.inlineString).toBe('CHAIN');
    expect(cert.tlsCertificate?.privateKey?.inlineString).toBe('KEY');
    const ca = renderSecret({ name: 'ca', type: 'VALIDATION_CONTEXT', certificatePem: 'CA' });
    expect(ca.validationContext?.trustedCa?.inlineString).toBe('CA');
    expect(ca.tlsCertificate).toBeUndefined();
  });
});

describe('renderTenantConfig', () => {
  it('renders one load assignment per cluster', () => {
    const resources = renderTenantConfig(greeterConfig());
    expect(resources.cluster.map((c) => c.name)).toEqual(['backend-a']);
    expect(resources.endpoint.map((e) => e.clusterName)).toEqual(['backend-a']);
    expect(resources.listener.map((l) => l.name)).toEqual(['greeter']);
  });
});

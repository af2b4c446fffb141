import {
  cluster,
  core,
  hcm,
  route,
  tls,
  HTTP_CONNECTION_MANAGER_TYPE_URL,
  HTTP_PROTOCOL_OPTIONS_KEY,
  ROUTER_FILTER_NAME,
  TCP_PROXY_FILTER_NAME,
  TCP_PROXY_TYPE_URL,
  tcpProxy,
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

  it('renders health checks, circuit breakers, outlier detection and upstream TLS over SDS', () => {
    const rendered = renderCluster(
      clusterOf('api', [], {
        healthChecks: [
          {
            timeoutMs: 1000,
            intervalMs: 5000,
            unhealthyThreshold: 3,
            healthyThreshold: 2,
            http: { path: '/healthz' },
          },
          { timeoutMs: 500, intervalMs: 2000, unhealthyThreshold: 2, healthyThreshold: 1, tcp: {} },
        ],
        circuitBreakers: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 3 },
        outlierDetection: {
          consecutive5xx: 5,
          intervalMs: 10_000,
          baseEjectionTimeMs: 30_000,
          maxEjectionPercent: 50,
        },
        tls: { sni: 'api.internal', certificateSecret: 'client-cert', validationSecret: 'internal-ca' },
      }),
    );
    const [http, tcp] = rendered.healthChecks;
    expect(http).toMatchObject({
      timeout: { seconds: 1, nanos: 0 },
      interval: { seconds: 5, nanos: 0 },
      unhealthyThreshold: 3,
      healthyThreshold: 2,
      httpHealthCheck: { path: '/healthz' },
    });
    expect(tcp!.tcpHealthCheck).toBeDefined();
    expect(rendered.circuitBreakers?.thresholds).toEqual([
      expect.objectContaining({
        priority: core.RoutingPriority.DEFAULT,
        maxConnections: 100,
        maxPendingRequests: 10,
        maxRequests: 200,
        maxRetries: 3,
      }),
    ]);
    expect(rendered.outlierDetection).toMatchObject({
      consecutive5xx: 5,
      interval: { seconds: 10 },
      baseEjectionTime: { seconds: 30 },
      maxEjectionPercent: 50,
      // Envoy's defaults, sent explicitly so gRPC clients do not trip over unset ones.
      successRateMinimumHosts: 5,
      successRateRequestVolume: 100,
    });
    expect(rendered.transportSocket?.name).toBe('envoy.transport_sockets.tls');
    const context = tls.UpstreamTlsContext.decode(rendered.transportSocket!.typedConfig!.value);
    expect(context.sni).toBe('api.internal');
    expect(context.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((c) => c.name)).toEqual([
      'client-cert',
    ]);
    expect(context.commonTlsContext?.tlsCertificateSdsSecretConfigs[0]?.sdsConfig?.ads).toEqual({});
    expect(context.commonTlsContext?.validationContextSdsSecretConfig?.name).toBe('internal-ca');
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

describe('renderListener filter chains', () => {
  it('renders one chain per SNI group with downstream TLS over SDS and the TLS inspector', () => {
    const rendered = renderListener({
      name: 'edge',
      port: 8443,
      filterChains: [
        {
          serverNames: ['api.example.com'],
          tls: { certificateSecret: 'api-cert', validationSecret: 'client-ca' },
          routeConfigName: 'api-routes',
        },
        { routeConfigName: 'fallback-routes' },
      ],
    });
    expect(rendered.listenerFilters.map((f) => f.name)).toEqual(['envoy.filters.listener.tls_inspector']);
    const [api, fallback] = rendered.filterChains;
    expect(api!.filterChainMatch?.serverNames).toEqual(['api.example.com']);
    const context = tls.DownstreamTlsContext.decode(api!.transportSocket!.typedConfig!.value);
    expect(context.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((c) => c.name)).toEqual(['api-cert']);
    expect(context.commonTlsContext?.validationContextSdsSecretConfig?.name).toBe('client-ca');
    expect(context.requireClientCertificate).toBe(true);
    const rdsOf = (chain: typeof api) =>
      hcm.HttpConnectionManager.decode(chain!.filters[0]!.typedConfig!.value).rds?.routeConfigName;
    expect([rdsOf(api), rdsOf(fallback)]).toEqual(['api-routes', 'fallback-routes']);
    expect(fallback!.filterChainMatch).toBeUndefined();
    expect(fallback!.transportSocket).toBeUndefined();
  });
});

describe('renderListener TCP proxy chains', () => {
  it('renders a TCP proxy to one cluster behind SNI and downstream TLS, next to an HTTP chain', () => {
    const rendered = renderListener({
      name: 'edge',
      port: 5432,
      filterChains: [
        {
          serverNames: ['db.example.com'],
          tls: { certificateSecret: 'db-cert' },
          tcpProxy: { cluster: 'postgres', idleTimeoutMs: 90_500 },
        },
        { routeConfigName: 'web-routes' },
      ],
    });
    expect(rendered.listenerFilters.map((f) => f.name)).toEqual(['envoy.filters.listener.tls_inspector']);
    const [db, web] = rendered.filterChains;
    expect(db!.filterChainMatch?.serverNames).toEqual(['db.example.com']);
    const context = tls.DownstreamTlsContext.decode(db!.transportSocket!.typedConfig!.value);
    expect(context.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((c) => c.name)).toEqual(['db-cert']);
    expect(db!.filters.map((f) => [f.name, f.typedConfig?.typeUrl])).toEqual([
      [TCP_PROXY_FILTER_NAME, TCP_PROXY_TYPE_URL],
    ]);
    const proxy = tcpProxy.TcpProxy.decode(db!.filters[0]!.typedConfig!.value);
    expect(proxy).toMatchObject({
      statPrefix: 'edge',
      cluster: 'postgres',
      idleTimeout: { seconds: 90, nanos: 500_000_000 },
    });
    expect(proxy.weightedClusters).toBeUndefined();
    expect(web!.filters[0]!.typedConfig!.typeUrl).toBe(HTTP_CONNECTION_MANAGER_TYPE_URL);
  });

  it('renders weighted clusters and a stat prefix; a plain TCP chain needs no TLS inspector', () => {
    const rendered = renderListener({
      name: 'redis',
      port: 6379,
      filterChains: [
        {
          tcpProxy: {
            weightedClusters: [
              { cluster: 'redis-a', weight: 90 },
              { cluster: 'redis-b', weight: 10 },
            ],
            statPrefix: 'redis_tcp',
          },
        },
      ],
    });
    expect(rendered.listenerFilters).toEqual([]);
    const proxy = tcpProxy.TcpProxy.decode(rendered.filterChains[0]!.filters[0]!.typedConfig!.value);
    expect(proxy.cluster).toBeUndefined();
    expect(proxy.statPrefix).toBe('redis_tcp');
    expect(proxy.idleTimeout).toBeUndefined();
    expect(proxy.weightedClusters?.clusters.map((c) => [c.name, c.weight])).toEqual([
      ['redis-a', 90],
      ['redis-b', 10],
    ]);
  });
});

describe('renderRouteConfiguration features', () => {
  const single = (route: object) =>
    renderRouteConfiguration({
      name: 'r',
      virtualHosts: [
        { name: 'vh', domains: ['*'], routes: [{ name: 'x', match: { prefix: '/' }, ...route } as never] },
      ],
    }).virtualHosts[0]!.routes[0]!;

  it('renders regex, header and query parameter matches', () => {
    const route = single({
      match: {
        regex: '/v[0-9]+/.*',
        headers: [
          { name: 'x-canary', exact: 'true' },
          { name: 'x-debug', present: true, invert: true },
          { name: 'user-agent', regex: '.*curl.*' },
        ],
        queryParameters: [{ name: 'tenant', prefix: 'acme' }],
        caseSensitive: false,
      },
      action: { cluster: 'c' },
    });
    expect(route.match?.safeRegex?.regex).toBe('/v[0-9]+/.*');
    expect(route.match?.prefix).toBeUndefined();
    expect(route.match?.headers).toEqual([
      expect.objectContaining({ name: 'x-canary', stringMatch: expect.objectContaining({ exact: 'true' }) }),
      expect.objectContaining({ name: 'x-debug', presentMatch: true, invertMatch: true }),
      expect.objectContaining({
        name: 'user-agent',
        stringMatch: expect.objectContaining({ safeRegex: expect.objectContaining({ regex: '.*curl.*' }) }),
      }),
    ]);
    expect(route.match?.queryParameters).toEqual([
      expect.objectContaining({ name: 'tenant', stringMatch: expect.objectContaining({ prefix: 'acme' }) }),
    ]);
    expect(route.match?.caseSensitive).toBe(false);
  });

  it('renders retries, rewrites and header changes', () => {
    const route = single({
      action: {
        cluster: 'c',
        retryPolicy: { retryOn: '5xx,connect-failure', numRetries: 2, perTryTimeoutMs: 250 },
        regexRewrite: { pattern: '^/api/(.*)$', substitution: '/\\1' },
      },
      requestHeadersToAdd: [{ name: 'x-env', value: 'prod' }],
      requestHeadersToRemove: ['x-internal'],
      responseHeadersToAdd: [{ name: 'cache-control', value: 'no-store', append: true }],
      responseHeadersToRemove: ['server'],
    });
    expect(route.route?.retryPolicy).toMatchObject({
      retryOn: '5xx,connect-failure',
      numRetries: 2,
      perTryTimeout: { seconds: 0, nanos: 250_000_000 },
    });
    expect(route.route?.regexRewrite).toMatchObject({
      pattern: { regex: '^/api/(.*)$' },
      substitution: '/\\1',
    });
    expect(route.requestHeadersToAdd[0]).toMatchObject({
      header: { key: 'x-env', value: 'prod' },
      appendAction: core.HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
    });
    expect(route.responseHeadersToAdd[0]?.appendAction).toBe(
      core.HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD,
    );
    expect(route.requestHeadersToRemove).toEqual(['x-internal']);
    expect(route.responseHeadersToRemove).toEqual(['server']);
    expect(single({ action: { cluster: 'c', prefixRewrite: '/v2/' } }).route?.prefixRewrite).toBe('/v2/');
  });

  it('renders redirects and direct responses', () => {
    const redirect = single({
      redirect: { scheme: 'https', host: 'example.com', responseCode: 308, stripQuery: true },
    });
    expect(redirect.route).toBeUndefined();
    expect(redirect.redirect).toMatchObject({
      schemeRedirect: 'https',
      hostRedirect: 'example.com',
      responseCode: route.RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
      stripQuery: true,
    });
    const direct = single({ directResponse: { status: 503, body: 'down for maintenance' } });
    expect(direct.directResponse).toMatchObject({
      status: 503,
      body: { inlineString: 'down for maintenance' },
    });
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

/** What a bootstrap is made for: which client, which protocol variant. */
export interface BootstrapOptions {
  nodeId: string;
  token: string;
  /** host:port of xds-server. */
  xdsAddress: string;
  /** host:port of metrics-service's StreamMetrics sink. */
  metricsAddress: string;
  mode: 'sotw' | 'delta';
}

/** The node metadata key a proxyless gRPC client carries its token in (it cannot set headers). */
export const TOKEN_METADATA_KEY = 'envoy-fleet.token';

/**
 * A complete Envoy bootstrap: ADS to xds-server with the token as a header, listeners and
 * clusters from ADS, an admin listener on loopback, and stats streamed to metrics-service.
 */
export function envoyBootstrap(options: BootstrapOptions): Record<string, unknown> {
  const auth = [{ key: 'authorization', value: `Bearer ${options.token}` }];
  return {
    node: { id: options.nodeId },
    dynamic_resources: {
      ads_config: {
        api_type: options.mode === 'delta' ? 'DELTA_GRPC' : 'GRPC',
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        grpc_services: [{ envoy_grpc: { cluster_name: 'envoy_fleet_xds' }, initial_metadata: auth }],
      },
      cds_config: { ads: {}, resource_api_version: 'V3' },
      lds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        grpcCluster('envoy_fleet_xds', options.xdsAddress),
        grpcCluster('envoy_fleet_metrics', options.metricsAddress),
      ],
    },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } },
    stats_sinks: [
      {
        name: 'envoy.stat_sinks.metrics_service',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig',
          transport_api_version: 'V3',
          grpc_service: { envoy_grpc: { cluster_name: 'envoy_fleet_metrics' }, initial_metadata: auth },
        },
      },
    ],
  };
}

/** A bootstrap for proxyless gRPC clients (GRPC_XDS_BOOTSTRAP): ADS only, the token in node metadata. */
export function grpcBootstrap(options: BootstrapOptions): Record<string, unknown> {
  return {
    xds_servers: [
      { server_uri: options.xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: { id: options.nodeId, locality: {}, metadata: { [TOKEN_METADATA_KEY]: options.token } },
  };
}

function grpcCluster(name: string, address: string): Record<string, unknown> {
  const { host, port } = splitAddress(address);
  return {
    name,
    type: /^[\d.]+$|:/.test(host) ? 'STATIC' : 'STRICT_DNS',
    connect_timeout: '5s',
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }],
        },
      ],
    },
  };
}

function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

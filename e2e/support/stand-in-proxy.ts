// What the e2e tests read from, and push to, the stand-in proxy (deploy/stand-in-proxy/proxy.js)
// through its Envoy-shaped admin API.

/** The body a listener on 127.0.0.1:`port` answers with, undefined when nothing answers. */
export async function answerOn(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Envoy's admin /config_dump answer, as far as the test reads it. */
export interface ConfigDump {
  configs: ({ '@type': string; static_listeners?: { listener: { name: string } }[] } & Record<
    string,
    unknown
  >)[];
}

/** Names of the static listeners in a proxy's admin /config_dump. */
export async function staticListeners(adminPort: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/config_dump?include_eds`);
  const dump = (await response.json()) as ConfigDump;
  return dump.configs.flatMap((c) => c.static_listeners ?? []).map((entry) => entry.listener.name);
}

/**
 * What xds-server would have pushed to a proxy, in Envoy's /config_dump shape: an EDS cluster with
 * its endpoints, and a listener on `port` whose routes (over RDS) answer `body` directly.
 */
export function pushedConfig(port: number, body: string): ConfigDump {
  const admin = 'type.googleapis.com/envoy.admin.v3.';
  const ads = { ads: {}, resource_api_version: 'V3' };
  return {
    configs: [
      {
        '@type': `${admin}ClustersConfigDump`,
        dynamic_active_clusters: [
          {
            version_info: '1',
            cluster: {
              '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
              name: 'backend',
              type: 'EDS',
              eds_cluster_config: { eds_config: ads },
            },
          },
        ],
      },
      {
        '@type': `${admin}EndpointsConfigDump`,
        dynamic_endpoint_configs: [
          {
            endpoint_config: {
              '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
              cluster_name: 'backend',
              endpoints: [
                {
                  lb_endpoints: [
                    { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 9 } } } },
                  ],
                },
              ],
            },
          },
        ],
      },
      {
        '@type': `${admin}ListenersConfigDump`,
        dynamic_listeners: [
          {
            name: 'ingress',
            active_state: {
              version_info: '1',
              listener: {
                '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
                name: 'ingress',
                address: { socket_address: { address: '127.0.0.1', port_value: port } },
                filter_chains: [
                  {
                    filters: [
                      {
                        name: 'envoy.filters.network.http_connection_manager',
                        typed_config: {
                          '@type':
                            'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                          stat_prefix: 'ingress',
                          rds: { route_config_name: 'ingress-routes', config_source: ads },
                        },
                      },
                    ],
                  },
                ],
              },
            },
          },
        ],
      },
      {
        '@type': `${admin}RoutesConfigDump`,
        dynamic_route_configs: [
          {
            version_info: '1',
            route_config: {
              '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
              name: 'ingress-routes',
              virtual_hosts: [
                {
                  name: 'all',
                  domains: ['*'],
                  routes: [
                    {
                      match: { prefix: '/' },
                      direct_response: { status: 200, body: { inline_string: body } },
                    },
                  ],
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Whether a proxy's admin /ready answers 200. */
export async function adminReady(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

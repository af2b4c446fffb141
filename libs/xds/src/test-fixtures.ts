// Small tenant configs for this project's own tests (not exported from the lib).
import type { Cluster, Endpoint, TenantConfig } from '@envoy-fleet/domain';

/** An endpoint with defaults for everything but the port. */
export function endpointAt(port: number, extra: Partial<Endpoint> = {}): Endpoint {
  return {
    address: '127.0.0.1',
    port,
    weight: 1,
    priority: 0,
    locality: { region: 'eu', zone: 'eu-1', subZone: '' },
    healthStatus: 'HEALTHY',
    ...extra,
  };
}

/** A cluster with defaults for everything but its name and endpoints. */
export function clusterOf(name: string, endpoints: Endpoint[], extra: Partial<Cluster> = {}): Cluster {
  return { name, lbPolicy: 'ROUND_ROBIN', connectTimeoutMs: 1000, http2: true, endpoints, ...extra };
}

/** Listener `greeter` -> routes `greeter-routes` -> cluster `backend-a` (one endpoint). */
export function greeterConfig(extra: Partial<TenantConfig> = {}): TenantConfig {
  return {
    tenantId: 'tenant-1',
    version: 1,
    clusters: [clusterOf('backend-a', [endpointAt(50051)])],
    listeners: [{ name: 'greeter', routeConfigName: 'greeter-routes' }],
    routeConfigurations: [
      {
        name: 'greeter-routes',
        virtualHosts: [
          {
            name: 'greeter',
            domains: ['*'],
            routes: [{ name: 'all', match: { prefix: '' }, action: { cluster: 'backend-a' } }],
          },
        ],
      },
    ],
    secrets: [],
    ...extra,
  };
}

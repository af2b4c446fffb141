// Prisma rows -> domain types. The jsonb and enum columns hold what the repositories wrote from
// domain values, so these casts restore types the database cannot express.
import type {
  Cluster,
  Endpoint,
  FilterChain,
  Listener,
  RouteConfiguration,
  Secret,
  VirtualHost,
} from '@envoy-fleet/domain';
import type * as Rows from './generated/prisma/client';
import type { Revisioned } from './revision';

export function toEndpoint(row: Rows.Endpoint): Endpoint {
  return {
    address: row.address,
    port: row.port,
    weight: row.weight,
    priority: row.priority,
    locality: { region: row.region, zone: row.zone, subZone: row.subZone },
    healthStatus: row.healthStatus,
  };
}

export function toCluster(row: Rows.Cluster & { endpoints: Rows.Endpoint[] }): Revisioned<Cluster> {
  return {
    name: row.name,
    lbPolicy: row.lbPolicy,
    connectTimeoutMs: row.connectTimeoutMs,
    http2: row.http2,
    endpoints: row.endpoints.map(toEndpoint),
    ...(row.settings as Pick<Cluster, 'healthChecks' | 'circuitBreakers' | 'outlierDetection' | 'tls'>),
    revision: row.revision,
  };
}

export function toListener(row: Rows.Listener): Revisioned<Listener> {
  return {
    name: row.name,
    ...(row.address !== null ? { address: row.address } : {}),
    ...(row.port !== null ? { port: row.port } : {}),
    ...(row.routeConfigName !== null ? { routeConfigName: row.routeConfigName } : {}),
    ...(row.filterChains !== null ? { filterChains: row.filterChains as unknown as FilterChain[] } : {}),
    revision: row.revision,
  };
}

export function toRouteConfiguration(row: Rows.RouteConfiguration): Revisioned<RouteConfiguration> {
  return {
    name: row.name,
    virtualHosts: row.virtualHosts as unknown as VirtualHost[],
    revision: row.revision,
  };
}

export function toSecret(row: Rows.Secret): Revisioned<Secret> {
  return {
    name: row.name,
    type: row.type,
    certificatePem: row.certificatePem,
    ...(row.privateKeyPem !== null ? { privateKeyPem: row.privateKeyPem } : {}),
    revision: row.revision,
  };
}

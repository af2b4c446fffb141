/**
 * The tenant's declared config, in Envoy's terms but without Envoy's wire shapes.
 * libs/xds renders these into Envoy resources; the API stores them.
 */

export const LB_POLICIES = ['ROUND_ROBIN', 'RING_HASH', 'LEAST_REQUEST', 'RANDOM', 'MAGLEV'] as const;
export type LbPolicy = (typeof LB_POLICIES)[number];

export const HEALTH_STATUSES = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface Locality {
  region: string;
  zone: string;
  subZone: string;
}

export interface Endpoint {
  address: string;
  port: number;
  weight: number;
  priority: number;
  locality: Locality;
  healthStatus: HealthStatus;
}

export interface Cluster {
  name: string;
  lbPolicy: LbPolicy;
  connectTimeoutMs: number;
  http2: boolean;
  endpoints: Endpoint[];
}

export interface WeightedCluster {
  cluster: string;
  weight: number;
}

export interface RouteMatch {
  prefix?: string;
  path?: string;
}

/** Exactly one of `cluster` or `weightedClusters` is set. */
export interface RouteAction {
  cluster?: string;
  weightedClusters?: WeightedCluster[];
  timeoutMs?: number;
}

export interface Route {
  name: string;
  match: RouteMatch;
  action: RouteAction;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: Route[];
}

export interface RouteConfiguration {
  name: string;
  virtualHosts: VirtualHost[];
}

/**
 * A listener with a `port` binds a socket (Envoy); one without is an API listener, which is how
 * proxyless gRPC clients resolve `xds:///<name>`.
 */
export interface Listener {
  name: string;
  address?: string;
  port?: number;
  routeConfigName: string;
}

export const SECRET_TYPES = ['TLS_CERTIFICATE', 'VALIDATION_CONTEXT'] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

export interface Secret {
  name: string;
  type: SecretType;
  /** PEM certificate chain (TLS_CERTIFICATE) or trusted CA bundle (VALIDATION_CONTEXT). */
  certificatePem: string;
  /** PEM private key; only for TLS_CERTIFICATE. */
  privateKeyPem?: string;
}

/** Everything the xDS server needs to serve one tenant, at one config version. */
export interface TenantConfig {
  tenantId: string;
  version: number;
  clusters: Cluster[];
  listeners: Listener[];
  routeConfigurations: RouteConfiguration[];
  secrets: Secret[];
}

/** The kinds of API object that make up a tenant's config. */
export const CONFIG_KINDS = ['cluster', 'listener', 'route-configuration', 'secret'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

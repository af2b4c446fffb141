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

/** An active health check: HTTP (GET `path`, expecting 200) or a TCP connect. */
export interface HealthCheck {
  timeoutMs: number;
  intervalMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  /** Exactly one of `http` or `tcp`. */
  http?: { path: string; host?: string };
  tcp?: Record<string, never>;
}

/** Envoy's circuit breaker thresholds for the default priority; unset fields keep Envoy's defaults. */
export interface CircuitBreakers {
  maxConnections?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
  maxRetries?: number;
}

/** Passive health checking: hosts that fail in a row are ejected for a while. */
export interface OutlierDetection {
  consecutive5xx?: number;
  intervalMs?: number;
  baseEjectionTimeMs?: number;
  maxEjectionPercent?: number;
}

/** TLS to the upstream: secrets by name (delivered over SDS), and the SNI to send. */
export interface UpstreamTls {
  sni?: string;
  /** A TLS_CERTIFICATE secret: the client certificate presented to the upstream. */
  certificateSecret?: string;
  /** A VALIDATION_CONTEXT secret: the CA the upstream's certificate must chain to. */
  validationSecret?: string;
}

export interface Cluster {
  name: string;
  lbPolicy: LbPolicy;
  connectTimeoutMs: number;
  http2: boolean;
  endpoints: Endpoint[];
  healthChecks?: HealthCheck[];
  circuitBreakers?: CircuitBreakers;
  outlierDetection?: OutlierDetection;
  tls?: UpstreamTls;
}

export interface WeightedCluster {
  cluster: string;
  weight: number;
}

/**
 * A header (or query parameter) condition: exactly one of `exact`, `prefix`, `regex` or
 * `present`; `invert` negates it (headers only).
 */
export interface HeaderMatch {
  name: string;
  exact?: string;
  prefix?: string;
  regex?: string;
  present?: boolean;
  invert?: boolean;
}

export type QueryParameterMatch = Omit<HeaderMatch, 'invert'>;

/** Exactly one of `prefix`, `path` or `regex` (RE2, whole path); headers and query all must match. */
export interface RouteMatch {
  prefix?: string;
  path?: string;
  regex?: string;
  headers?: HeaderMatch[];
  queryParameters?: QueryParameterMatch[];
  caseSensitive?: boolean;
}

export interface RetryPolicy {
  /** Envoy's retry conditions, e.g. `5xx`, `connect-failure`, `reset`, `retriable-status-codes`. */
  retryOn: string;
  numRetries?: number;
  perTryTimeoutMs?: number;
}

export interface RegexRewrite {
  pattern: string;
  substitution: string;
}

/**
 * Forwarding: exactly one of `cluster` or `weightedClusters` is set, plus optional timeout,
 * retries and one of the rewrites.
 */
export interface RouteAction {
  cluster?: string;
  weightedClusters?: WeightedCluster[];
  timeoutMs?: number;
  retryPolicy?: RetryPolicy;
  prefixRewrite?: string;
  regexRewrite?: RegexRewrite;
}

export const REDIRECT_CODES = [301, 302, 303, 307, 308] as const;
export type RedirectCode = (typeof REDIRECT_CODES)[number];

export interface Redirect {
  scheme?: string;
  host?: string;
  port?: number;
  path?: string;
  prefixRewrite?: string;
  stripQuery?: boolean;
  responseCode?: RedirectCode;
}

export interface DirectResponse {
  status: number;
  body?: string;
}

/** Headers added (appended or overwritten) and removed on the way in or out. */
export interface HeaderChanges {
  requestHeadersToAdd?: HeaderValue[];
  requestHeadersToRemove?: string[];
  responseHeadersToAdd?: HeaderValue[];
  responseHeadersToRemove?: string[];
}

export interface HeaderValue {
  name: string;
  value: string;
  /** Add another value instead of replacing the header (default: replace). */
  append?: boolean;
}

/** Exactly one of `action`, `redirect` or `directResponse`. */
export interface Route extends HeaderChanges {
  name: string;
  match: RouteMatch;
  action?: RouteAction;
  redirect?: Redirect;
  directResponse?: DirectResponse;
}

export interface VirtualHost extends HeaderChanges {
  name: string;
  domains: string[];
  routes: Route[];
}

export interface RouteConfiguration {
  name: string;
  virtualHosts: VirtualHost[];
}

/** Downstream TLS: the TLS_CERTIFICATE secret served, and optionally a CA that clients must present a certificate from. */
export interface DownstreamTls {
  certificateSecret: string;
  validationSecret?: string;
}

/**
 * Plain TCP forwarding (Envoy's `envoy.filters.network.tcp_proxy`): exactly one of `cluster` or
 * `weightedClusters` (each weight at least 1); `statPrefix` defaults to the listener's name, and
 * `idleTimeoutMs` 0 disables Envoy's idle timeout (1 h when unset).
 */
export interface TcpProxy {
  cluster?: string;
  weightedClusters?: WeightedCluster[];
  statPrefix?: string;
  idleTimeoutMs?: number;
}

/**
 * One filter chain of a socket listener: chosen by SNI (`serverNames`, empty matches any), then
 * exactly one of an HTTP connection manager using a route configuration (`routeConfigName`, RDS)
 * or a TCP proxy (`tcpProxy`).
 */
export interface FilterChain {
  serverNames?: string[];
  tls?: DownstreamTls;
  routeConfigName?: string;
  tcpProxy?: TcpProxy;
}

/**
 * A listener with a `port` binds a socket (Envoy); one without is an API listener, which is how
 * proxyless gRPC clients resolve `xds:///<name>`. `routeConfigName` alone is the one plain HTTP
 * filter chain; `filterChains` (socket listeners only) says each chain. Exactly one of the two.
 */
export interface Listener {
  name: string;
  address?: string;
  port?: number;
  routeConfigName?: string;
  filterChains?: FilterChain[];
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

/** A JSON object as Envoy's admin API and bootstrap files spell it (snake_case proto JSON). */
type Json = Record<string, unknown>;

/**
 * What a proxy had accepted (ACKed) from xds-server, taken from its admin `/config_dump?include_eds`:
 * the active dynamic resources only (warming clusters and listeners are not yet serving, and Envoy's
 * docs say to discard them when recreating a configuration from a dump).
 */
export interface AcceptedConfig {
  clusters: Json[];
  listeners: Json[];
  routeConfigs: Json[];
  endpoints: Json[];
  secrets: Json[];
}

/** A last-good bootstrap and the resources that could not go into it, each with why. */
export interface LastGoodBootstrap {
  bootstrap: Json;
  skipped: string[];
}

const DUMP_TYPE = 'type.googleapis.com/envoy.admin.v3.';
const HTTP_CONNECTION_MANAGER =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
/** What Envoy writes in place of private keys in `/config_dump` (base64 of `[redacted]`). */
const REDACTED = ['[redacted]', Buffer.from('[redacted]').toString('base64')];

/** The active dynamic resources of an Envoy `/config_dump?include_eds` answer. */
export function acceptedConfigOf(dump: unknown): AcceptedConfig {
  const configs = (isObject(dump) && Array.isArray(dump['configs']) ? dump['configs'] : []).filter(isObject);
  const section = (type: string, field: string, inner: string): Json[] =>
    configs
      .filter((config) => config['@type'] === `${DUMP_TYPE}${type}`)
      .flatMap((config) => (Array.isArray(config[field]) ? config[field] : []))
      .map((entry: unknown) => (isObject(entry) ? pick(entry, inner) : undefined))
      .filter(isObject)
      .map(withoutAnyType);
  return {
    clusters: section('ClustersConfigDump', 'dynamic_active_clusters', 'cluster'),
    listeners: section('ListenersConfigDump', 'dynamic_listeners', 'active_state.listener'),
    routeConfigs: section('RoutesConfigDump', 'dynamic_route_configs', 'route_config'),
    endpoints: section('EndpointsConfigDump', 'dynamic_endpoint_configs', 'endpoint_config'),
    secrets: section('SecretsConfigDump', 'dynamic_active_secrets', 'secret'),
  };
}

/** True when the proxy had accepted nothing from xds-server yet (nothing worth caching). */
export function isEmpty(config: AcceptedConfig): boolean {
  return config.clusters.length + config.listeners.length === 0;
}

/**
 * A bootstrap that serves `accepted` without a control plane: the cached ADS bootstrap's node,
 * admin, stats sinks and static clusters, plus every accepted resource made static (EDS clusters
 * with their endpoints inline, listeners with their RDS route configuration inline, secrets inline)
 * and no `dynamic_resources`: Envoy cannot replace static listeners over LDS, so the agent hands
 * the proxy back by replacing its container once the control plane answers.
 */
export function lastGoodBootstrap(adsBootstrap: Json, accepted: AcceptedConfig): LastGoodBootstrap {
  const skipped: string[] = [];
  const secrets = accepted.secrets.filter((secret) => {
    if (!containsRedacted(secret)) return true;
    skipped.push(`secret ${nameOf(secret)}: its private key is redacted in /config_dump`);
    return false;
  });
  const secretNames = new Set(secrets.map(nameOf));
  const usable = (kind: string, resource: Json): boolean => {
    const missing = [...sdsReferences(resource)].filter((name) => !secretNames.has(name));
    if (missing.length === 0) return true;
    skipped.push(`${kind} ${nameOf(resource)}: needs secret ${missing.join(', ')}, not in the cache`);
    return false;
  };

  const endpoints = new Map(
    accepted.endpoints.map((assignment) => [String(assignment['cluster_name']), assignment]),
  );
  const clusters = accepted.clusters
    .map((cluster) => staticCluster(cluster, endpoints))
    .filter((cluster) => usable('cluster', cluster));
  const routes = new Map(accepted.routeConfigs.map((route) => [nameOf(route), route]));
  const listeners = accepted.listeners
    .map((listener) => {
      const missing = new Set<string>();
      const inlined = inlineRoutes(listener, routes, missing) as Json;
      if (missing.size === 0) return inlined;
      skipped.push(
        `listener ${nameOf(listener)}: route configuration ${[...missing].join(', ')} not in the cache`,
      );
      return undefined;
    })
    .filter(isObject)
    .filter((listener) => usable('listener', listener));

  const own = isObject(adsBootstrap['static_resources']) ? adsBootstrap['static_resources'] : {};
  const ownClusters = Array.isArray(own['clusters']) ? own['clusters'] : [];
  const { dynamic_resources: _dropped, ...rest } = adsBootstrap;
  return {
    bootstrap: {
      ...rest,
      static_resources: {
        ...own,
        listeners: listeners.map((listener) => stripSdsSources(listener)),
        clusters: [...ownClusters, ...clusters.map((cluster) => stripSdsSources(cluster))],
        secrets,
      },
    },
    skipped,
  };
}

/** An accepted cluster made static: EDS clusters take their cached endpoints as `load_assignment`. */
function staticCluster(cluster: Json, endpoints: Map<string, Json>): Json {
  if (cluster['type'] !== 'EDS') return cluster;
  const { eds_cluster_config: eds, ...rest } = cluster;
  const serviceName =
    (isObject(eds) && typeof eds['service_name'] === 'string' && eds['service_name']) || nameOf(cluster);
  const assignment = endpoints.get(serviceName);
  const loadAssignment = { ...(assignment ?? { endpoints: [] }), cluster_name: nameOf(cluster) };
  const addresses = JSON.stringify(loadAssignment).match(/"address":"[^"]*"/g) ?? [];
  // STATIC takes IP addresses only; a hostname among the endpoints needs DNS resolution.
  const allIps = addresses.every((entry) => /^"address":"([\d.]+|[0-9a-fA-F:]+)"$/.test(entry));
  return { ...rest, type: allIps ? 'STATIC' : 'STRICT_DNS', load_assignment: loadAssignment };
}

/** Replaces every HTTP connection manager's `rds` with the cached route configuration it names. */
function inlineRoutes(value: unknown, routes: Map<string, Json>, missing: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => inlineRoutes(item, routes, missing));
  if (!isObject(value)) return value;
  const copy: Json = {};
  for (const [key, item] of Object.entries(value)) copy[key] = inlineRoutes(item, routes, missing);
  if (copy['@type'] === HTTP_CONNECTION_MANAGER && isObject(copy['rds'])) {
    const name = String(copy['rds']['route_config_name']);
    const route = routes.get(name);
    if (!route) missing.add(name);
    delete copy['rds'];
    copy['route_config'] = route ?? {};
  }
  return copy;
}

/** Names of the secrets a resource takes through SDS (objects carrying a `name` and `sds_config`). */
function sdsReferences(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => sdsReferences(item, found));
  else if (isObject(value)) {
    if (typeof value['name'] === 'string' && 'sds_config' in value) found.add(value['name']);
    Object.values(value).forEach((item) => sdsReferences(item, found));
  }
  return found;
}

/** Without `sds_config` an SDS secret reference names a static secret of the bootstrap. */
function stripSdsSources(value: Json): Json {
  const strip = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(strip);
    if (!isObject(item)) return item;
    return Object.fromEntries(
      Object.entries(item)
        .filter(([key]) => !(key === 'sds_config' && typeof item['name'] === 'string'))
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  return strip(value) as Json;
}

function containsRedacted(value: unknown): boolean {
  if (typeof value === 'string') return REDACTED.includes(value);
  if (Array.isArray(value)) return value.some(containsRedacted);
  return isObject(value) && Object.values(value).some(containsRedacted);
}

/** A resource of the dump is an `Any` (it carries `@type`); in a bootstrap it is the message itself. */
function withoutAnyType(resource: Json): Json {
  const { '@type': _type, ...rest } = resource;
  return rest;
}

function pick(value: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), value);
}

function nameOf(resource: Json): string {
  return String(resource['name'] ?? '');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

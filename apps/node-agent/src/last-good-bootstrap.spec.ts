import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptedConfigOf, isEmpty, lastGoodBootstrap } from './last-good-bootstrap';

/** A dump as Envoy answers `/config_dump?include_eds` after xds-server pushed a proxy's config. */
const dump: unknown = JSON.parse(
  readFileSync(join(__dirname, '..', 'test', 'fixtures', 'config-dump.json'), 'utf8'),
);

const adsBootstrap = {
  node: { id: 'edge-1' },
  dynamic_resources: {
    ads_config: { api_type: 'GRPC', grpc_services: [{ envoy_grpc: { cluster_name: 'envoy_fleet_xds' } }] },
    cds_config: { ads: {}, resource_api_version: 'V3' },
    lds_config: { ads: {}, resource_api_version: 'V3' },
  },
  static_resources: { clusters: [{ name: 'envoy_fleet_xds', type: 'STATIC' }] },
  admin: { address: { socket_address: { address: '127.0.0.1', port_value: 20000 } } },
  stats_sinks: [{ name: 'envoy.stat_sinks.metrics_service' }],
};

type Json = Record<string, unknown>;

/** The value at `path` inside `value` (object keys and array indexes). */
function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (inner, key) => (inner && typeof inner === 'object' ? (inner as Json)[key] : undefined),
    value,
  );
}

describe('lastGoodBootstrap', () => {
  const accepted = acceptedConfigOf(dump);
  const { bootstrap, skipped } = lastGoodBootstrap(adsBootstrap, accepted);
  const resources = bootstrap['static_resources'] as { clusters: Json[]; listeners: Json[]; secrets: Json[] };
  const cluster = (name: string) => resources.clusters.find((c) => c['name'] === name);

  it('takes the active resources of the dump, not the static or warming ones, without their Any @type', () => {
    expect(accepted.clusters.map((c) => c['name'])).toEqual(['backend', 'payments', 'search']);
    expect(accepted.listeners.map((l) => l['name'])).toEqual(['http', 'https']);
    expect(accepted.routeConfigs.map((r) => r['name'])).toEqual(['routes-http']);
    expect(accepted.endpoints.map((e) => e['cluster_name'])).toEqual(['backend', 'payments-v2']);
    expect(accepted.secrets.map((s) => s['name'])).toEqual(['payments-ca', 'edge-cert']);
    expect(accepted.clusters.some((c) => '@type' in c)).toBe(false);
    expect(isEmpty(accepted)).toBe(false);
    expect(isEmpty(acceptedConfigOf({ configs: [] }))).toBe(true);
    expect(isEmpty(acceptedConfigOf('not a dump'))).toBe(true);
  });

  it("keeps the bootstrap's node, admin, stats sinks and own clusters, and drops dynamic_resources", () => {
    expect(bootstrap['node']).toEqual({ id: 'edge-1' });
    expect(bootstrap['admin']).toEqual(adsBootstrap.admin);
    expect(bootstrap['stats_sinks']).toEqual(adsBootstrap.stats_sinks);
    expect(bootstrap).not.toHaveProperty('dynamic_resources');
    expect(resources.clusters[0]).toEqual({ name: 'envoy_fleet_xds', type: 'STATIC' });
  });

  it('inlines the cached endpoints of EDS clusters: STATIC for IP addresses, STRICT_DNS for hostnames', () => {
    expect(cluster('backend')).toEqual({
      name: 'backend',
      type: 'STATIC',
      connect_timeout: '1s',
      load_assignment: {
        cluster_name: 'backend',
        endpoints: accepted.endpoints[0]['endpoints'],
        policy: { overprovisioning_factor: 140 },
      },
    });
    // Its endpoints are found by the EDS service name, and named after the cluster inline.
    expect(cluster('payments')).toMatchObject({
      type: 'STRICT_DNS',
      load_assignment: { cluster_name: 'payments' },
    });
    expect(cluster('payments')).not.toHaveProperty('eds_cluster_config');
    expect(cluster('search')).toEqual(accepted.clusters[2]);
  });

  it("replaces each HTTP connection manager's rds with the route configuration it named", () => {
    const http = resources.listeners.find((l) => l['name'] === 'http');
    const manager = at(http, 'filter_chains', 0, 'filters', 0, 'typed_config');
    expect(manager).not.toHaveProperty('rds');
    expect(at(manager, 'route_config')).toEqual(accepted.routeConfigs[0]);
    expect(at(manager, 'http_filters', 0, 'name')).toBe('envoy.filters.http.router');
  });

  it('inlines usable secrets and turns SDS references into references to them', () => {
    expect(resources.secrets.map((s) => s['name'])).toEqual(['payments-ca']);
    const tls = at(cluster('payments'), 'transport_socket', 'typed_config', 'common_tls_context');
    expect(at(tls, 'validation_context_sds_secret_config')).toEqual({ name: 'payments-ca' });
  });

  it('leaves out a secret whose private key the dump redacts, and the listener that needs it, saying why', () => {
    expect(resources.listeners.map((l) => l['name'])).toEqual(['http']);
    expect(skipped).toEqual([
      'secret edge-cert: its private key is redacted in /config_dump',
      'listener https: needs secret edge-cert, not in the cache',
    ]);
  });

  it('leaves out a listener whose route configuration was never received', () => {
    const result = lastGoodBootstrap(adsBootstrap, { ...accepted, routeConfigs: [] });
    const names = (result.bootstrap['static_resources'] as { listeners: Json[] }).listeners.map(
      (l) => l['name'],
    );
    expect(names).toEqual([]);
    expect(result.skipped).toContain('listener http: route configuration routes-http not in the cache');
  });
});

/**
 * How the tenant isolation walk (e2e/src/tenant-isolation-walk.e2e-spec.ts) fills every route of
 * the OpenAPI document. Each route is called twice by the other tenant: once naming the victim's
 * objects (`victim`) and once naming objects that exist nowhere (`fresh`); the answers must not
 * differ. A route missing here fails the walk: add it, saying how to address the victim's objects.
 */

import { selfSigned } from '@envoy-fleet/testing';

/** Identifiers of one tenant's objects (or, for `fresh`, of objects that do not exist). */
export interface TenantObjects {
  tenantId: string;
  cluster: string;
  routeConfiguration: string;
  listener: string;
  secret: string;
  proxyId: string;
  nodeId: string;
  vmId: string;
  vmName: string;
  apiKeyId: string;
  webhookId: string;
  webhookName: string;
  deliveryId: string;
}

export interface RouteFill {
  /** Values of the template's `{params}`. */
  params?: (ids: TenantObjects) => Record<string, string>;
  query?: (ids: TenantObjects) => Record<string, string>;
  body?: (ids: TenantObjects) => unknown;
  /** More bodies to try, each compared the same way (e.g. references to each kind of object). */
  alsoBodies?: ((ids: TenantObjects) => unknown)[];
  /** An event stream: read for a moment, then closed. */
  stream?: boolean;
}

const routesTo = (cluster: string, domain: string) => ({
  virtualHosts: [
    { name: 'web', domains: [domain], routes: [{ match: { prefix: '/' }, action: { cluster } }] },
  ],
});

/** The calling tenant's own certificate, for secret bodies. */
let certificate: { cert: string; key: string } | undefined;
const tlsSecret = (name: string) => {
  certificate ??= selfSigned('walk.example');
  return { name, type: 'TLS_CERTIFICATE', certificatePem: certificate.cert, privateKeyPem: certificate.key };
};

const byName = (kind: keyof TenantObjects) => (ids: TenantObjects) => ({ name: ids[kind] });
const byId = (kind: keyof TenantObjects) => (ids: TenantObjects) => ({ id: ids[kind] });

/** Every route of the API, by `METHOD /path/{param}` as the OpenAPI document writes it. */
export const ROUTE_FILLS: Record<string, RouteFill> = {
  // Not tenant-scoped by a path: credentials in, a token out (the walk's callers send a token anyway).
  'POST /v1/auth/token': { body: () => ({ apiKey: 'fleet_000000000000_not-a-real-key-0000000000' }) },
  'POST /v1/hooks/github': { body: () => ({ zen: 'walk' }) },

  'GET /v1/tenants': {},
  'POST /v1/tenants': { body: (ids) => ({ name: `t-${ids.cluster}` }) },
  'GET /v1/tenants/{id}': { params: byId('tenantId') },
  'GET /v1/tenants/{id}/quotas': { params: byId('tenantId') },
  'PUT /v1/tenants/{id}/quotas': { params: byId('tenantId'), body: () => ({ clusters: 1 }) },

  'GET /v1/api-keys': {},
  'POST /v1/api-keys': { body: (ids) => ({ name: `k-${ids.cluster}`, roles: ['viewer'] }) },
  'GET /v1/api-keys/{id}': { params: byId('apiKeyId') },
  'DELETE /v1/api-keys/{id}': { params: byId('apiKeyId') },

  'GET /v1/clusters': {},
  'POST /v1/clusters': {
    body: (ids) => ({ name: ids.cluster, endpoints: [{ address: '10.0.0.1', port: 80 }] }),
    // Upstream TLS through the victim's secret must fail as through a missing one.
    alsoBodies: [(ids) => ({ name: 'walk-tls', tls: { validationSecret: ids.secret } })],
  },
  'GET /v1/clusters/{name}': { params: byName('cluster') },
  'PUT /v1/clusters/{name}': { params: byName('cluster'), body: () => ({ endpoints: [] }) },
  'DELETE /v1/clusters/{name}': { params: byName('cluster') },
  'PUT /v1/clusters/{name}/endpoints': {
    params: byName('cluster'),
    body: () => ({ endpoints: [{ address: '10.0.0.9', port: 9 }] }),
  },

  'GET /v1/route-configurations': {},
  // Referencing the victim's cluster must fail exactly as referencing a missing one.
  'POST /v1/route-configurations': {
    body: (ids) => ({ name: ids.routeConfiguration, ...routesTo(ids.cluster, 'walk.example') }),
  },
  'GET /v1/route-configurations/{name}': { params: byName('routeConfiguration') },
  'PUT /v1/route-configurations/{name}': {
    params: byName('routeConfiguration'),
    body: (ids) => routesTo(ids.cluster, 'walk.example'),
  },
  'DELETE /v1/route-configurations/{name}': { params: byName('routeConfiguration') },

  'GET /v1/listeners': {},
  'POST /v1/listeners': {
    body: (ids) => ({ name: ids.listener, routeConfigName: ids.routeConfiguration }),
    alsoBodies: [
      (ids) => ({
        name: 'walk-tls',
        port: 8443,
        filterChains: [{ tls: { certificateSecret: ids.secret }, routeConfigName: 'walk-routes' }],
      }),
    ],
  },
  'GET /v1/listeners/{name}': { params: byName('listener') },
  'PUT /v1/listeners/{name}': {
    params: byName('listener'),
    body: (ids) => ({ routeConfigName: ids.routeConfiguration }),
  },
  'DELETE /v1/listeners/{name}': { params: byName('listener') },

  'GET /v1/secrets': {},
  'POST /v1/secrets': { body: (ids) => tlsSecret(ids.secret) },
  'GET /v1/secrets/{name}': { params: byName('secret') },
  'PUT /v1/secrets/{name}': {
    params: byName('secret'),
    body: () => {
      const { name: _name, ...spec } = tlsSecret('unused');
      return spec;
    },
  },
  'DELETE /v1/secrets/{name}': { params: byName('secret') },

  'GET /v1/proxies': {},
  // Node ids are unique per tenant: the victim's is as free as a fresh one (201 both; the walk
  // deletes what it registered).
  'POST /v1/proxies': { body: (ids) => ({ nodeId: ids.nodeId }) },
  'GET /v1/proxies/{id}': { params: byId('proxyId') },
  'PATCH /v1/proxies/{id}': { params: byId('proxyId'), body: () => ({ labels: { walk: 'x' } }) },
  'DELETE /v1/proxies/{id}': { params: byId('proxyId') },
  'GET /v1/proxies/{id}/config': { params: byId('proxyId') },
  'GET /v1/proxies/{id}/bootstrap': { params: byId('proxyId') },
  'POST /v1/proxies/{id}/token': { params: byId('proxyId') },

  'GET /v1/vms': {},
  'POST /v1/vms': { body: (ids) => ({ name: ids.vmName }) },
  'GET /v1/vms/{id}': { params: byId('vmId') },
  'DELETE /v1/vms/{id}': { params: byId('vmId') },
  'POST /v1/vms/{id}/agent-token': { params: byId('vmId') },
  // Agent routes take an agent token, not a user's: the walk's user tokens must be refused alike.
  'POST /v1/agent/register': { body: () => ({}) },
  'POST /v1/agent/heartbeat': { body: () => ({}) },
  'GET /v1/agent/proxies': {},
  'POST /v1/agent/proxies/{id}/lifecycle': {
    params: byId('proxyId'),
    body: () => ({ state: 'running', restartCount: 0 }),
  },

  'GET /v1/webhooks': {},
  'POST /v1/webhooks': {
    body: (ids) => ({
      name: ids.webhookName,
      kind: 'http',
      url: 'https://hooks.example.com/walk',
      eventTypes: ['config.*'],
    }),
  },
  'GET /v1/webhooks/{id}': { params: byId('webhookId') },
  'PATCH /v1/webhooks/{id}': { params: byId('webhookId'), body: () => ({ active: false }) },
  'DELETE /v1/webhooks/{id}': { params: byId('webhookId') },
  'POST /v1/webhooks/{id}/test': { params: byId('webhookId') },
  'GET /v1/webhooks/{id}/deliveries': { params: byId('webhookId') },
  'GET /v1/webhooks/{id}/deliveries/{deliveryId}': {
    params: (ids) => ({ id: ids.webhookId, deliveryId: ids.deliveryId }),
  },
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    params: (ids) => ({ id: ids.webhookId, deliveryId: ids.deliveryId }),
  },

  'GET /v1/signals': {},
  'GET /v1/audit': {},
  'GET /v1/events': { stream: true },
};

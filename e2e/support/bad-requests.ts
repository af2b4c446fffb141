import { ApiClient, ApiResponse } from './api-client';
import { FLEET_JWT_SECRET } from './fleet';
import { exchangeApiKey, ownerClaims, signHs256 } from './tokens';

/** A request the API must refuse: what is sent, the status, and the field the answer must name. */
export type Refusal = [
  description: string,
  send: () => Promise<ApiResponse<unknown>>,
  status: number,
  field?: string,
];

/** Who sends the bad requests, and what the catalogue refers to. */
export interface RefusalCallers {
  tenantId: string;
  owner: ApiClient;
  admin: ApiClient;
  anonymous: ApiClient;
  viewer: ApiClient;
  editor: ApiClient;
  revokedKey: string;
}

/** A route configuration with one route, matching `match`, to `cluster`. */
export const routeTo = (match: object, cluster = 'seed') => ({
  virtualHosts: [{ name: 'web', domains: ['*'], routes: [{ match, action: { cluster } }] }],
});

/**
 * Bad requests against a tenant holding cluster `seed`, route configuration `seed-routes` (to it),
 * listener `seed-listener` (on that) and proxy `seed-node`; each must be refused and write nothing.
 */
export function refusals(c: RefusalCallers): Refusal[] {
  return [
    [
      'malformed JSON',
      () => c.owner.request('POST', '/v1/clusters', undefined, '{"name": "broken",'),
      400,
      'body',
    ],
    ['an unknown field', () => c.owner.post('/v1/clusters', { name: 'u1', colour: 'red' }), 400, 'colour'],
    [
      'an unknown field inside an endpoint',
      () =>
        c.owner.post('/v1/clusters', {
          name: 'u2',
          endpoints: [{ address: '10.0.0.2', port: 80, zone: 'a' }],
        }),
      400,
      'endpoints[0].zone',
    ],
    [
      'a port that is not a number',
      () => c.owner.post('/v1/clusters', { name: 'p1', endpoints: [{ address: '10.0.0.2', port: 'x' }] }),
      400,
      'endpoints[0].port',
    ],
    [
      'a negative weight',
      () =>
        c.owner.post('/v1/clusters', {
          name: 'w1',
          endpoints: [{ address: '10.0.0.2', port: 80, weight: -1 }],
        }),
      400,
      'endpoints[0].weight',
    ],
    ['a name that is not a string', () => c.owner.post('/v1/clusters', { name: 5 }), 400, 'name'],
    [
      'endpoints that are not a list',
      () => c.owner.put('/v1/clusters/seed/endpoints', { endpoints: 'x' }),
      400,
      'endpoints',
    ],
    [
      'a route to a cluster that does not exist',
      () => c.owner.post('/v1/route-configurations', { name: 'r1', ...routeTo({ prefix: '/' }, 'nowhere') }),
      422,
      'virtualHosts[0].routes[0].action.cluster',
    ],
    [
      'a listener to a missing route configuration',
      () => c.owner.post('/v1/listeners', { name: 'l1', routeConfigName: 'no-such-routes' }),
      422,
      'routeConfigName',
    ],
    [
      'a route matching on both prefix and path',
      () => c.owner.post('/v1/route-configurations', { name: 'r2', ...routeTo({ prefix: '/', path: '/x' }) }),
      400,
      'virtualHosts[0].routes[0].match',
    ],
    ['a duplicate cluster name', () => c.owner.post('/v1/clusters', { name: 'seed' }), 409],
    [
      'a duplicate route configuration name',
      () => c.owner.post('/v1/route-configurations', { name: 'seed-routes', ...routeTo({ prefix: '/' }) }),
      409,
    ],
    [
      'a duplicate listener name',
      () => c.owner.post('/v1/listeners', { name: 'seed-listener', routeConfigName: 'seed-routes' }),
      409,
    ],
    ['a duplicate proxy node id', () => c.owner.post('/v1/proxies', { nodeId: 'seed-node' }), 409],
    [
      'a duplicate tenant name',
      () =>
        c.admin.post('/v1/tenants', {
          name: 'input-team',
          owner: { email: 'other@input.test', password: 'long-enough-password' },
        }),
      409,
    ],
    ['no bearer token', () => c.anonymous.post('/v1/clusters', { name: 'anon' }), 401],
    [
      'a token signed with another secret',
      () =>
        c.anonymous
          .withToken(signHs256(ownerClaims(c.tenantId), 'not-the-secret'))
          .post('/v1/clusters', { name: 'forged' }),
      401,
    ],
    [
      'an expired token',
      () =>
        c.anonymous
          .withToken(
            signHs256(
              { ...ownerClaims(c.tenantId), exp: Math.floor(Date.now() / 1000) - 60 },
              FLEET_JWT_SECRET,
            ),
          )
          .post('/v1/clusters', { name: 'expired' }),
      401,
    ],
    [
      'a garbage token',
      () => c.anonymous.withToken('not-a-jwt').post('/v1/clusters', { name: 'garbage' }),
      401,
    ],
    ['a revoked API key', () => exchangeApiKey(c.anonymous, c.revokedKey), 401],
    ['a viewer writing', () => c.viewer.post('/v1/clusters', { name: 'by-viewer' }), 403],
    ['a viewer deleting', () => c.viewer.delete('/v1/clusters/seed'), 403],
    [
      'an editor creating an API key',
      () => c.editor.post('/v1/api-keys', { name: 'k', roles: ['viewer'] }),
      403,
    ],
    [
      'an owner granting a role above its own',
      () => c.owner.post('/v1/api-keys', { name: 'k', roles: ['admin'] }),
      403,
    ],
    ['an owner creating a tenant', () => c.owner.post('/v1/tenants', { name: 'sneaky' }), 403],
    ['deleting a cluster a route still uses', () => c.owner.delete('/v1/clusters/seed'), 409],
    [
      'deleting a route configuration a listener still uses',
      () => c.owner.delete('/v1/route-configurations/seed-routes'),
      409,
    ],
    ['replacing a missing cluster', () => c.owner.put('/v1/clusters/nowhere', { endpoints: [] }), 404],
    ['deleting a missing listener', () => c.owner.delete('/v1/listeners/nowhere'), 404],
    ['deleting a proxy by a non-UUID id', () => c.owner.delete('/v1/proxies/not-a-uuid'), 400, 'id'],
  ];
}

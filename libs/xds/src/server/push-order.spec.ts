import { core, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import type { ResourceType, TenantConfig } from '@envoy-fleet/domain';
import { SnapshotCache } from '../cache/snapshot-cache';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import { clusterNamesOf, deltaHarness, namesOf, sotwHarness } from './stream-test-harness';

const NODE = core.Node.fromPartial({ id: 'node-1' });
const TYPE_OF = Object.fromEntries(Object.entries(RESOURCE_TYPE_URLS).map(([type, url]) => [url, type]));
const typesOf = (responses: { typeUrl: string }[]) =>
  responses.map((r) => TYPE_OF[r.typeUrl] as ResourceType);

/** greeter -> greeter-routes -> `cluster`; plus listener admin -> admin-routes -> `cluster` when `admin`. */
function config(clusters: string[], cluster: string, admin = false): TenantConfig {
  const routes = (name: string) => ({
    name,
    virtualHosts: [
      { name, domains: ['*'], routes: [{ name: 'all', match: { prefix: '' }, action: { cluster } }] },
    ],
  });
  return greeterConfig({
    clusters: clusters.map((name, i) => clusterOf(name, [endpointAt(i + 1)])),
    listeners: [
      { name: 'greeter', routeConfigName: 'greeter-routes' },
      ...(admin ? [{ name: 'admin', routeConfigName: 'admin-routes' }] : []),
    ],
    routeConfigurations: [routes('greeter-routes'), ...(admin ? [routes('admin-routes')] : [])],
  });
}

const SUBSCRIPTIONS: [ResourceType, string[]][] = [
  ['route', ['greeter-routes', 'admin-routes']],
  ['listener', []],
  ['endpoint', ['backend-a', 'backend-b']],
  ['cluster', []],
];

describe(`${SnapshotCache.name} push order`, () => {
  it('"CDS updates (if any) must always be pushed first", then EDS, LDS, RDS; "Stale CDS clusters ... can then be removed" (SotW, one ADS stream)', async () => {
    const h = sotwHarness();
    h.set(config(['backend-a'], 'backend-a'));
    for (const [type, resourceNames] of SUBSCRIPTIONS) {
      await h.receive({ node: NODE, typeUrl: RESOURCE_TYPE_URLS[type], resourceNames });
    }
    for (const response of [...h.sent]) {
      await h.receive({
        typeUrl: response.typeUrl,
        responseNonce: response.nonce,
        versionInfo: response.versionInfo,
        resourceNames: SUBSCRIPTIONS.find(([t]) => RESOURCE_TYPE_URLS[t] === response.typeUrl)![1],
      });
    }
    const before = h.sent.length;
    // backend-b replaces backend-a; a new listener and both routes point at it.
    h.set(config(['backend-b'], 'backend-b', true));
    const push = h.sent.slice(before);
    expect(typesOf(push)).toEqual(['cluster', 'endpoint', 'listener', 'route']);
    // The cluster answer bridges: backend-a stays until the routes no longer use it.
    expect(clusterNamesOf(push[0])).toEqual(['backend-a', 'backend-b']);
    await h.receive({
      typeUrl: push[0]!.typeUrl,
      responseNonce: push[0]!.nonce,
      versionInfo: push[0]!.versionInfo,
    });
    expect(clusterNamesOf(h.sent[before + 4])).toEqual(['backend-b']);
  });

  it('sends a pure cluster removal after the route change that stopped referencing it (SotW)', async () => {
    const h = sotwHarness();
    h.set(config(['backend-a', 'backend-b'], 'backend-a'));
    for (const [type, resourceNames] of SUBSCRIPTIONS) {
      await h.receive({ node: NODE, typeUrl: RESOURCE_TYPE_URLS[type], resourceNames });
    }
    for (const response of [...h.sent]) {
      const resourceNames = SUBSCRIPTIONS.find(([t]) => RESOURCE_TYPE_URLS[t] === response.typeUrl)![1];
      await h.receive({
        typeUrl: response.typeUrl,
        responseNonce: response.nonce,
        versionInfo: response.versionInfo,
        resourceNames,
      });
    }
    const before = h.sent.length;
    h.set(config(['backend-b'], 'backend-b'));
    const push = h.sent.slice(before);
    expect(typesOf(push)).toEqual(['endpoint', 'route', 'cluster']);
    expect(clusterNamesOf(push[2])).toEqual(['backend-b']);
  });

  it('sends Delta updates in make-before-break order and the removals after them (Delta, one ADS stream)', async () => {
    const h = deltaHarness();
    h.set(config(['backend-a'], 'backend-a'));
    for (const [type, names] of SUBSCRIPTIONS) {
      await h.receive({ node: NODE, typeUrl: RESOURCE_TYPE_URLS[type], resourceNamesSubscribe: names });
    }
    // ACK every response, also the removals of not-yet-existing names that follow the first ones.
    for (let i = 0; i < h.sent.length; i++) {
      await h.receive({ typeUrl: h.sent[i]!.typeUrl, responseNonce: h.sent[i]!.nonce });
    }

    const before = h.sent.length;
    h.set(config(['backend-b'], 'backend-b', true));
    const push = h.sent.slice(before);
    expect(typesOf(push)).toEqual(['cluster', 'endpoint', 'listener', 'route']);
    expect(push.map((r) => r.removedResources)).toEqual([[], [], [], []]);
    for (const response of push)
      await h.receive({ typeUrl: response.typeUrl, responseNonce: response.nonce });
    const removals = h.sent.slice(before + 4);
    expect(typesOf(removals)).toEqual(['cluster', 'endpoint']);
    expect(removals.map((r) => [namesOf(r), r.removedResources])).toEqual([
      [[], ['backend-a']],
      [[], ['backend-a']],
    ]);
  });
});

import { status } from '@grpc/grpc-js';
import { core, discovery, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { Snapshot } from '../cache/snapshot';
import { renderTenantConfig } from '../resources/envoy-resources';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import { DeltaStream } from './delta-stream';
import { toGrpcStatus } from './grpc-status';
import { deltaHarness, namesOf } from './stream-test-harness';

const NODE = core.Node.fromPartial({ id: 'node-1' });
const CDS = RESOURCE_TYPE_URLS.cluster;
const EDS = RESOURCE_TYPE_URLS.endpoint;

const twoClusters = (portA = 1, portB = 2) =>
  greeterConfig({
    clusters: [clusterOf('backend-a', [endpointAt(portA)]), clusterOf('backend-b', [endpointAt(portB)])],
  });

describe(DeltaStream.name, () => {
  it('"Client sends a request with resource_names_subscribe unset. Server interprets this as a subscription to "*"."', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: CDS });
    const [first] = h.sent;
    expect(namesOf(first)).toEqual(['backend-a', 'backend-b']);
    const snapshot = Snapshot.create(renderTenantConfig(twoClusters()));
    expect(first).toMatchObject({
      typeUrl: CDS,
      nonce: '1',
      systemVersionInfo: snapshot.resources('cluster').version,
    });
    // Per-resource versions are content hashes of the encoded resource.
    expect(first!.resources[0]!.version).toBe(snapshot.resources('cluster').byName.get('backend-a')!.version);
    expect(first!.resources[0]!.resource?.typeUrl).toBe(CDS);
  });

  it('answers the first wildcard request even when the set is empty', async () => {
    const h = deltaHarness();
    h.set(greeterConfig({ listeners: [], routeConfigurations: [] }));
    await h.receive({ node: NODE, typeUrl: RESOURCE_TYPE_URLS.listener, resourceNamesSubscribe: ['*'] });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ resources: [], removedResources: [], nonce: '1' });
  });

  // The legacy wildcard ("the request must have no resources in both resource_names_subscribe and
  // resource_names_unsubscribe") is Envoy's for listeners and clusters only; gRPC clients name routes and endpoints.
  it('treats an empty first EDS request as subscribing to nothing, not a wildcard', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: EDS });
    expect(h.sent).toHaveLength(0);
    expect(h.cache.openWatchCount()).toBe(0);
  });

  it('"When a resource subscribed to by a client does not exist, the server will send a DeltaDiscoveryResponse message that contains that resource\'s name in the removed_resources", and sends it once it appears', async () => {
    const h = deltaHarness();
    h.set(greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(1)])] }));
    await h.receive({ node: NODE, typeUrl: EDS, resourceNamesSubscribe: ['backend-a', 'backend-b'] });
    expect(namesOf(h.sent[0])).toEqual(['backend-a']);
    await h.receive({ typeUrl: EDS, responseNonce: h.sent[0]!.nonce });
    expect(h.sent[1]).toMatchObject({ resources: [], removedResources: ['backend-b'] });
    await h.receive({ typeUrl: EDS, responseNonce: h.sent[1]!.nonce });
    h.set(twoClusters());
    expect(namesOf(h.sent[2])).toEqual(['backend-b']);
  });

  it('"it does not need to resend the 99 resources that have not changed": sends only what changed, and nothing for a write that changes nothing', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: EDS, resourceNamesSubscribe: ['backend-a', 'backend-b'] });
    await h.receive({ typeUrl: EDS, responseNonce: h.sent[0]!.nonce });
    h.set({ ...twoClusters(), version: 7 });
    expect(h.sent).toHaveLength(1);
    h.set(twoClusters(1, 3));
    expect(namesOf(h.sent[1])).toEqual(['backend-b']);
    // The callbacks hear the whole set the proxy holds, as with SotW, not only the delta.
    expect(h.events).toContain(`response endpoint ${h.sent[1]!.systemVersionInfo} [backend-a,backend-b]`);
  });

  it('sends removed_resources when a held resource disappears', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: CDS });
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[0]!.nonce });
    h.set(greeterConfig());
    expect(h.sent[1]).toMatchObject({ resources: [], removedResources: ['backend-b'] });
  });

  it('holds removals back until the updates of the same push were acknowledged (make before break)', async () => {
    const h = deltaHarness();
    h.set(greeterConfig());
    await h.receive({ node: NODE, typeUrl: CDS });
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[0]!.nonce });
    const onlyB = clusterOf('backend-b', [endpointAt(2)]);
    const routes = greeterConfig().routeConfigurations.map((config) => ({
      ...config,
      virtualHosts: config.virtualHosts.map((host) => ({
        ...host,
        routes: host.routes.map((route) => ({ ...route, action: { cluster: 'backend-b' } })),
      })),
    }));
    h.set(greeterConfig({ clusters: [onlyB], routeConfigurations: routes }));
    expect(h.sent[1]).toMatchObject({ removedResources: [] });
    expect(namesOf(h.sent[1])).toEqual(['backend-b']);
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[1]!.nonce });
    expect(h.sent[2]).toMatchObject({ resources: [], removedResources: ['backend-a'] });
  });

  it('"the server must honor changes to the subscription state even if the nonce is stale", without counting it as an ACK', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: EDS, resourceNamesSubscribe: ['backend-a'] });
    await h.receive({ typeUrl: EDS, responseNonce: 'stale', resourceNamesSubscribe: ['backend-b'] });
    expect(namesOf(h.sent[1])).toEqual(['backend-b']);
    expect(h.events.filter((e) => e.startsWith('ack') || e.startsWith('nack'))).toEqual([]);
  });

  it('reports ACK and NACK with the system version, and after a NACK does not resend the rejected version (last-known-good)', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: EDS, resourceNamesSubscribe: ['backend-a'] });
    const first = h.sent[0]!;
    await h.receive({ typeUrl: EDS, responseNonce: first.nonce });
    expect(h.events).toContain(`ack endpoint ${first.systemVersionInfo} [backend-a]`);
    h.set(twoClusters(5));
    const rejected = h.sent[1]!;
    await h.receive({
      typeUrl: EDS,
      responseNonce: rejected.nonce,
      errorDetail: { code: 3, message: 'bad port', details: [] },
    });
    expect(h.events).toContain(`nack endpoint ${rejected.systemVersionInfo} bad port`);
    expect(h.sent).toHaveLength(2);
    h.set({ ...twoClusters(5), version: 3 });
    expect(h.sent).toHaveLength(2);
    h.set(twoClusters(6));
    expect(namesOf(h.sent[2])).toEqual(['backend-a']);
  });

  it('"the client may have "forgotten" those resources": resends a resource subscribed again', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: EDS, resourceNamesSubscribe: ['backend-a'] });
    await h.receive({ typeUrl: EDS, responseNonce: h.sent[0]!.nonce, resourceNamesSubscribe: ['backend-a'] });
    expect(namesOf(h.sent[1])).toEqual(['backend-a']);
  });

  it('a reconnect with current initial_resource_versions gets no push; a changed one is sent', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: CDS });
    const held = Object.fromEntries(h.sent[0]!.resources.map((r) => [r.name, r.version]));
    const again = deltaHarness();
    again.set(twoClusters());
    await again.receive({ node: NODE, typeUrl: CDS, initialResourceVersions: held });
    expect(again.sent).toHaveLength(0);
    again.set(
      greeterConfig({ clusters: [...twoClusters().clusters, clusterOf('backend-c', [endpointAt(3)])] }),
    );
    expect(namesOf(again.sent[0])).toEqual(['backend-c']);
  });

  it('"Server interprets this as unsubscribing to "*" and continuing the existing subscription to "A"."', async () => {
    const h = deltaHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: CDS });
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[0]!.nonce, resourceNamesSubscribe: ['backend-a'] });
    expect(namesOf(h.sent[1])).toEqual(['backend-a']); // "must still provide those resources"
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[1]!.nonce, resourceNamesUnsubscribe: ['*'] });
    h.set(twoClusters(1, 9));
    h.set(greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(1)], { connectTimeoutMs: 5 })] }));
    expect(h.sent.slice(2).map(namesOf)).toEqual([['backend-a']]);
  });

  it('"the server must send a response that includes the specific resource in either the removed_resources field (if it is not included in the wildcard) or in the resources field"', async () => {
    const h = deltaHarness();
    h.set(greeterConfig());
    await h.receive({ node: NODE, typeUrl: CDS, resourceNamesSubscribe: ['*', 'backend-a', 'ghost'] });
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[0]!.nonce });
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[1]!.nonce });
    expect(h.sent[1]).toMatchObject({ removedResources: ['ghost'] });
    await h.receive({ typeUrl: CDS, resourceNamesUnsubscribe: ['backend-a'] });
    expect(namesOf(h.sent[2])).toEqual(['backend-a']);
  });

  it('"it can simply ignore these phantom unsubscriptions"', async () => {
    const h = deltaHarness();
    h.set(greeterConfig());
    await h.receive({ node: NODE, typeUrl: EDS, resourceNamesSubscribe: ['backend-a'] });
    await h.receive({ typeUrl: EDS, responseNonce: h.sent[0]!.nonce, resourceNamesUnsubscribe: ['nope'] });
    expect(h.sent).toHaveLength(1);
    expect(h.failures).toEqual([]);
  });

  it('on a per-type service accepts only its own type URL', async () => {
    const h = deltaHarness('cluster');
    h.set(greeterConfig());
    await h.receive({ node: NODE });
    expect(namesOf(h.sent[0])).toEqual(['backend-a']);
    await h.receive({ typeUrl: EDS, resourceNamesSubscribe: ['backend-a'] });
    expect(toGrpcStatus(h.failures[0]).code).toBe(status.INVALID_ARGUMENT);
  });

  it('encodes each resource once per snapshot for every stream', () => {
    const snapshot = Snapshot.create(renderTenantConfig(greeterConfig()));
    const encoded = snapshot.deltaResource('cluster', 'backend-a');
    expect(snapshot.deltaResource('cluster', 'backend-a')).toBe(encoded);
    expect(discovery.Resource.decode(encoded!).name).toBe('backend-a');
  });
});

import { status } from '@grpc/grpc-js';
import { core, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import { toGrpcStatus } from './grpc-status';
import { SotwStream } from './sotw-stream';
import { clusterNamesOf, sotwHarness } from './stream-test-harness';

const NODE = core.Node.fromPartial({ id: 'node-1' });
const CDS = RESOURCE_TYPE_URLS.cluster;
const EDS = RESOURCE_TYPE_URLS.endpoint;
const twoClusters = (portB = 2) =>
  greeterConfig({
    clusters: [clusterOf('backend-a', [endpointAt(1)]), clusterOf('backend-b', [endpointAt(portB)])],
  });
const empty = greeterConfig({ clusters: [], listeners: [], routeConfigurations: [] });

describe(`${SotwStream.name} subscriptions`, () => {
  it('follows the doc\'s SotW wildcard example: unset is "*", "*" and "A" adds A, "A" drops "*", unset again "is not interpreted as a wildcard subscription"', async () => {
    const h = sotwHarness();
    h.set(twoClusters());
    const ack = (resourceNames: string[]) => {
      const last = h.sent[h.sent.length - 1]!;
      return h.receive({
        typeUrl: CDS,
        responseNonce: last.nonce,
        versionInfo: last.versionInfo,
        resourceNames,
      });
    };
    await h.receive({ node: NODE, typeUrl: CDS });
    expect(clusterNamesOf(h.sent[0])).toEqual(['backend-a', 'backend-b']);
    // "the server must resend any newly requested resources, even if it previously sent those
    // resources without having been asked for them"
    await ack(['*', 'backend-a']);
    expect(clusterNamesOf(h.sent[1])).toEqual(['backend-a', 'backend-b']);
    await ack(['backend-a']);
    expect(h.sent).toHaveLength(2); // backend-a was requested before and is current
    expect(h.cache.openWatchCount()).toBe(1);
    await ack([]);
    expect(h.cache.openWatchCount()).toBe(0);
    h.set(twoClusters(3));
    expect(h.sent).toHaveLength(2);
  });

  it('"a response containing no resources means to delete all resources of that type" (CDS)', async () => {
    const h = sotwHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: CDS });
    await h.receive({ typeUrl: CDS, responseNonce: h.sent[0]!.nonce, versionInfo: h.sent[0]!.versionInfo });
    h.set(empty);
    expect(h.sent[1]!.resources).toEqual([]);
  });

  it('"For those resource types, an empty DiscoveryResponse is effectively a no-op": a named endpoint that disappears is left out, and nothing is sent when none is left', async () => {
    const h = sotwHarness();
    h.set(twoClusters());
    const names = ['backend-a', 'backend-b'];
    await h.receive({ node: NODE, typeUrl: EDS, resourceNames: names });
    await h.receive({
      typeUrl: EDS,
      responseNonce: h.sent[0]!.nonce,
      versionInfo: h.sent[0]!.versionInfo,
      resourceNames: names,
    });
    h.set(greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(1)])] }));
    expect(h.sent[1]!.resources).toHaveLength(1);
    await h.receive({
      typeUrl: EDS,
      responseNonce: h.sent[1]!.nonce,
      versionInfo: h.sent[1]!.versionInfo,
      resourceNames: names,
    });
    h.set(empty);
    expect(h.sent).toHaveLength(2);
  });

  it('"it is generally safe for servers to do this optimization for LDS and CDS when the only subscription is a wildcard subscription": a reconnect at the current version gets no push', async () => {
    const first = sotwHarness();
    first.set(twoClusters());
    await first.receive({ node: NODE, typeUrl: CDS });
    const versionInfo = first.sent[0]!.versionInfo;
    const again = sotwHarness();
    again.set(twoClusters());
    await again.receive({ node: NODE, typeUrl: CDS, versionInfo });
    expect(again.sent).toHaveLength(0);
    again.set(greeterConfig({ clusters: [...twoClusters().clusters, clusterOf('backend-c', [])] }));
    expect(clusterNamesOf(again.sent[0])).toEqual(['backend-a', 'backend-b', 'backend-c']);
    // Named: the client may name something it did not have, so it is answered.
    const named = sotwHarness();
    named.set(twoClusters());
    await named.receive({ node: NODE, typeUrl: EDS, versionInfo, resourceNames: ['backend-a'] });
    expect(named.sent).toHaveLength(1);
  });

  it('"the server must resend any newly requested resources, even if it previously sent those resources"', async () => {
    const h = sotwHarness();
    h.set(twoClusters());
    await h.receive({ node: NODE, typeUrl: EDS, resourceNames: ['backend-a'] });
    const sent = h.sent[0]!;
    await h.receive({
      typeUrl: EDS,
      responseNonce: sent.nonce,
      versionInfo: sent.versionInfo,
      resourceNames: ['backend-a', 'backend-b'],
    });
    expect(h.sent[1]!.resources).toHaveLength(2);
  });

  it('on a per-type service takes a missing type URL as its own and refuses any other', async () => {
    const h = sotwHarness('cluster');
    h.set(twoClusters());
    await h.receive({ node: NODE });
    expect(h.sent[0]!.typeUrl).toBe(CDS);
    await h.receive({ typeUrl: EDS, resourceNames: ['backend-a'] });
    expect(toGrpcStatus(h.failures[0]).code).toBe(status.INVALID_ARGUMENT);
  });
});

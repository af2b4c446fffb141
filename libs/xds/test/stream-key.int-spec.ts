import { Metadata, status } from '@grpc/grpc-js';
import { cluster, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { DomainError } from '@envoy-fleet/domain';
import { RawAdsStream, shutdown } from '@envoy-fleet/testing';
import { renderTenantConfig, Snapshot } from '../src';
import { clustersConfig, startAdsServer } from './ads-server';

// Real gRPC on loopback: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const config = (clusterNames: string[]) => clustersConfig(clusterNames);
const clusterNames = (response: { resources: { value: Uint8Array }[] }) =>
  response.resources.map((any) => cluster.Cluster.decode(any.value).name);

describe('streams keyed by what onStreamNode returns (StreamInfo.key), not by node id', () => {
  let ads: Awaited<ReturnType<typeof startAdsServer>>;
  const streams: { close(): void }[] = [];
  /** A stream as node 'same-node' that the callbacks key as `key` (sent in its metadata). */
  const open = (key: string) => {
    const metadata = new Metadata();
    metadata.set('stream-key', key);
    const stream = new RawAdsStream(ads.uri, metadata);
    streams.push(stream);
    stream.send({ node: { id: 'same-node' }, typeUrl: RESOURCE_TYPE_URLS.cluster });
    return stream;
  };
  const set = (key: string, clusters: string[]) =>
    ads.cache.setSnapshot(key, Snapshot.create(renderTenantConfig(config(clusters))));

  beforeAll(async () => {
    ads = await startAdsServer({
      onStreamNode: (stream) => String(stream.metadata.get('stream-key')[0] ?? '') || undefined,
    });
  });

  afterAll(async () => {
    streams.forEach((stream) => stream.close());
    await shutdown(ads.server);
  });

  it("serves two streams of the same node id each its own key's snapshot, pushes to one only, and ends one only", async () => {
    set('key-1', ['one']);
    set('key-2', ['two']);
    const [first, second] = [open('key-1'), open('key-2')];
    const [toFirst, toSecond] = [await first.next(), await second.next()];
    expect([clusterNames(toFirst), clusterNames(toSecond)]).toEqual([['one'], ['two']]);
    first.send({
      typeUrl: RESOURCE_TYPE_URLS.cluster,
      versionInfo: toFirst.versionInfo,
      responseNonce: toFirst.nonce,
    });
    second.send({
      typeUrl: RESOURCE_TYPE_URLS.cluster,
      versionInfo: toSecond.versionInfo,
      responseNonce: toSecond.nonce,
    });

    set('key-1', ['one', 'one-more']);
    expect(clusterNames(await first.next())).toEqual(['one', 'one-more']);
    // Nothing is keyed by the node id itself.
    expect(ads.services.endStreamsOf('same-node', new DomainError('NOT_FOUND', 'gone'))).toBe(0);
    expect(ads.services.endStreamsOf('key-1', new DomainError('NOT_FOUND', 'gone'))).toBe(1);
    expect((await first.ended()).code).toBe(status.NOT_FOUND);

    // The second stream is still served: its next answer is its own key's push (none came from key-1's).
    set('key-2', ['two', 'two-more']);
    expect(clusterNames(await second.next())).toEqual(['two', 'two-more']);
  });

  it('keys a stream by its node id when onStreamNode returns nothing', async () => {
    set('plain-node', ['plain']);
    const stream = new RawAdsStream(ads.uri);
    streams.push(stream);
    stream.send({ node: { id: 'plain-node' }, typeUrl: RESOURCE_TYPE_URLS.cluster });
    expect(clusterNames(await stream.next())).toEqual(['plain']);
    expect(ads.services.endStreamsOf('plain-node', new DomainError('NOT_FOUND', 'gone'))).toBe(1);
  });
});

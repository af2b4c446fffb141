import { status } from '@grpc/grpc-js';
import { cluster, RESOURCE_TYPE_URLS, tls } from '@envoy-fleet/envoy-api';
import { DomainError, type Secret } from '@envoy-fleet/domain';
import { RawAdsStream, RawTypeStream, shutdown } from '@envoy-fleet/testing';
import { renderTenantConfig, Snapshot } from '../src';
import { CA_PEM, clustersConfig, startAdsServer } from './ads-server';

// Real gRPC on loopback: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const UPSTREAM_CA: Secret = { name: 'upstream-ca', type: 'VALIDATION_CONTEXT', certificatePem: CA_PEM };
const config = (clusterNames: string[]) => clustersConfig(clusterNames, [UPSTREAM_CA]);

describe('the per-type SotW services (StreamClusters, StreamEndpoints, StreamSecrets, ...) over gRPC', () => {
  let ads: Awaited<ReturnType<typeof startAdsServer>>;
  const streams: { close(): void }[] = [];
  const track = <T extends { close(): void }>(stream: T): T => {
    streams.push(stream);
    return stream;
  };
  const set = (nodeId: string, clusters: string[]) =>
    ads.cache.setSnapshot(nodeId, Snapshot.create(renderTenantConfig(config(clusters))));

  beforeAll(async () => {
    ads = await startAdsServer();
  });

  afterAll(async () => {
    streams.forEach((stream) => stream.close());
    await shutdown(ads.server);
  });

  it('serves CDS on StreamClusters with the full set in every response, and records the ACK', async () => {
    set('type-1', ['a', 'b']);
    const stream = track(new RawTypeStream(ads.uri, 'cluster'));
    stream.send({ node: { id: 'type-1' } });
    const first = await stream.next();
    expect(first.resources.map((any) => cluster.Cluster.decode(any.value).name)).toEqual(['a', 'b']);
    stream.send({ versionInfo: first.versionInfo, responseNonce: first.nonce });
    set('type-1', ['b']);
    const second = await stream.next();
    expect(second.resources.map((any) => cluster.Cluster.decode(any.value).name)).toEqual(['b']);
    expect(ads.heard.acks).toContainEqual({ nodeId: 'type-1', type: 'cluster', version: first.versionInfo });
  });

  it('serves secrets on StreamSecrets, and refuses another type URL there', async () => {
    set('type-2', []);
    const stream = track(new RawTypeStream(ads.uri, 'secret'));
    stream.send({ node: { id: 'type-2' }, resourceNames: ['upstream-ca'] });
    const response = await stream.next();
    expect(tls.Secret.decode(response.resources[0]!.value).name).toBe('upstream-ca');
    stream.send({ typeUrl: RESOURCE_TYPE_URLS.cluster });
    expect((await stream.ended()).code).toBe(status.INVALID_ARGUMENT);
  });

  it('answers the first wildcard request on an empty set, and a reconnect at the current version_info gets no push', async () => {
    set('type-3', []);
    const first = track(new RawTypeStream(ads.uri, 'cluster'));
    first.send({ node: { id: 'type-3' } });
    const empty = await first.next();
    expect(empty.resources).toEqual([]);
    const again = track(new RawAdsStream(ads.uri));
    again.send({
      node: { id: 'type-3' },
      typeUrl: RESOURCE_TYPE_URLS.cluster,
      versionInfo: empty.versionInfo,
    });
    await again.silentFor(300);
  });

  it('endStreamsOf ends per-type streams too', async () => {
    set('type-4', ['a']);
    const stream = track(new RawTypeStream(ads.uri, 'endpoint'));
    stream.send({ node: { id: 'type-4' }, resourceNames: ['a'] });
    await stream.next();
    expect(ads.services.endStreamsOf('type-4', new DomainError('NOT_FOUND', 'gone'))).toBe(1);
    expect(await stream.ended()).toMatchObject({ code: status.NOT_FOUND, details: 'gone' });
  });
});

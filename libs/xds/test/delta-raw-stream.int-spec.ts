import { status } from '@grpc/grpc-js';
import { cluster, RESOURCE_TYPE_URLS, tls } from '@envoy-fleet/envoy-api';
import { DomainError, type Secret } from '@envoy-fleet/domain';
import { pollUntil, RawDeltaStream, shutdown, XDS_METHOD_PATHS } from '@envoy-fleet/testing';
import { renderTenantConfig, Snapshot } from '../src';
import { CA_PEM, clustersConfig, startAdsServer } from './ads-server';

// Real gRPC on loopback: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const UPSTREAM_CA: Secret = { name: 'upstream-ca', type: 'VALIDATION_CONTEXT', certificatePem: CA_PEM };
const config = (clusterNames: string[]) => clustersConfig(clusterNames, [UPSTREAM_CA]);
const CDS = RESOURCE_TYPE_URLS.cluster;

describe('Delta xDS (DeltaAggregatedResources and the per-type Delta* methods) over gRPC', () => {
  let ads: Awaited<ReturnType<typeof startAdsServer>>;
  const events: string[] = [];
  const streams: RawDeltaStream[] = [];
  const open = (path?: string) => {
    const stream = new RawDeltaStream(ads.uri, undefined, path);
    streams.push(stream);
    return stream;
  };
  const set = (nodeId: string, clusters: string[]) =>
    ads.cache.setSnapshot(nodeId, Snapshot.create(renderTenantConfig(config(clusters))));

  beforeAll(async () => {
    ads = await startAdsServer({
      onStreamOpen: (s) => events.push(`open ${s.streamId}`),
      onStreamNode: (s, node) => {
        if (node.id === 'stranger') throw new DomainError('PERMISSION_DENIED', 'not registered');
        events.push(`node ${s.streamId} ${node.id}`);
      },
      onResponse: (s, type, version) => events.push(`response ${s.node?.id} ${type} ${version}`),
      onStreamClosed: (s) => events.push(`closed ${s.node?.id}`),
    });
  });

  afterAll(async () => {
    streams.forEach((stream) => stream.close());
    await shutdown(ads.server);
  });

  it('sends a wildcard CDS, then only what changed and removed_resources, and records ACK and NACK', async () => {
    set('delta-1', ['a', 'b']);
    const stream = open();
    stream.send({ node: { id: 'delta-1' }, typeUrl: CDS });
    const first = await stream.next();
    expect(first.resources.map((r) => cluster.Cluster.decode(r.resource!.value).name)).toEqual(['a', 'b']);
    stream.send({ typeUrl: CDS, responseNonce: first.nonce });
    await pollUntil(
      async () => ads.heard.acks,
      (acks) => acks.some((a) => a.nodeId === 'delta-1' && a.version === first.systemVersionInfo),
    );

    set('delta-1', ['a', 'b', 'c']);
    const added = await stream.next();
    expect(added.resources.map((r) => r.name)).toEqual(['c']);
    stream.send({
      typeUrl: CDS,
      responseNonce: added.nonce,
      errorDetail: { code: 3, message: 'no c', details: [] },
    });
    await pollUntil(
      async () => ads.heard.nacks,
      (nacks) => nacks.some((n) => n.nodeId === 'delta-1' && n.version === added.systemVersionInfo),
    );
    // Last-known-good: the rejected c is not sent again; its removal is.
    set('delta-1', ['a']);
    const removed = await stream.next();
    expect(removed).toMatchObject({ resources: [], removedResources: ['b', 'c'] });
    expect(events).toContain(`response delta-1 cluster ${removed.systemVersionInfo}`);
  });

  it('a reconnect carrying initial_resource_versions gets no needless push', async () => {
    set('delta-2', ['a', 'b']);
    const first = open();
    first.send({ node: { id: 'delta-2' }, typeUrl: CDS });
    const held = Object.fromEntries((await first.next()).resources.map((r) => [r.name, r.version]));
    first.close();
    const again = open();
    again.send({ node: { id: 'delta-2' }, typeUrl: CDS, initialResourceVersions: held });
    await again.silentFor(300);
    set('delta-2', ['b']);
    expect(await again.next()).toMatchObject({ resources: [], removedResources: ['a'] });
  });

  it('serves SDS by name on DeltaSecrets, refusing other types there', async () => {
    set('delta-3', []);
    const stream = open(XDS_METHOD_PATHS.secret.delta);
    stream.send({ node: { id: 'delta-3' }, resourceNamesSubscribe: ['upstream-ca'] });
    const response = await stream.next();
    expect(response.typeUrl).toBe(RESOURCE_TYPE_URLS.secret);
    const secret = tls.Secret.decode(response.resources[0]!.resource!.value);
    expect(secret.validationContext?.trustedCa?.inlineString).toBe(CA_PEM);
    stream.send({ typeUrl: CDS, resourceNamesSubscribe: ['a'] });
    expect((await stream.ended()).code).toBe(status.INVALID_ARGUMENT);
  });

  it('refuses a node the callbacks refuse, and endStreamsOf ends Delta streams too', async () => {
    const stranger = open();
    stranger.send({ node: { id: 'stranger' }, typeUrl: CDS });
    expect(await stranger.ended()).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'not registered',
    });

    set('delta-4', ['a']);
    const stream = open(XDS_METHOD_PATHS.cluster.delta);
    stream.send({ node: { id: 'delta-4' } });
    await stream.next();
    expect(ads.services.endStreamsOf('delta-4', new DomainError('NOT_FOUND', 'proxy deleted'))).toBe(1);
    expect(await stream.ended()).toMatchObject({ code: status.NOT_FOUND, details: 'proxy deleted' });
    await pollUntil(
      async () => events,
      (heard) => heard.includes('closed delta-4'),
    );
  });
});

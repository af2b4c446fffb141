import { Metadata } from '@grpc/grpc-js';
import { RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { RawAdsStream, RawDeltaStream } from '@envoy-fleet/testing';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';
import { RoundRobinProxy } from '../support/round-robin-proxy';

// Several xds-server replicas behind one address (a round-robin TCP balancer): a proxy's next
// connection lands on the other replica.
describe('xds-server replicas behind one address', () => {
  let fleet: Fleet;
  let owner: ApiClient;
  let metadata: Metadata;
  let secondReplica: string;
  let balancer: RoundRobinProxy;
  const opened: { close(): void }[] = [];
  const track = <T extends { close(): void }>(stream: T) => (opened.push(stream), stream);

  beforeAll(async () => {
    fleet = await Fleet.start();
    ({ owner } = await fleet.tenantOwner('replicas'));
    for (const name of ['alpha', 'beta']) {
      await owner.post('/v1/clusters', { name, endpoints: [{ address: '127.0.0.1', port: 9000 }] });
    }
    const proxy = await owner.post<{ id: string }>('/v1/proxies', { nodeId: 'replicated-node' });
    metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await fleet.proxyToken(owner, proxy.body.id)}`);
    secondReplica = await fleet.startXdsReplica();
    balancer = await RoundRobinProxy.start([fleet.xdsUri, secondReplica]);
  }, 60_000);

  afterAll(async () => {
    opened.forEach((stream) => stream.close());
    await balancer?.stop();
    await fleet?.stop();
  });

  it('version identical config identically, so a proxy moving between them sees the same version', async () => {
    const versions: string[] = [];
    // Two connections through the balancer: one to each replica.
    for (let connection = 0; connection < 2; connection++) {
      const stream = track(new RawAdsStream(balancer.address, metadata));
      stream.send({ node: { id: 'replicated-node' }, typeUrl: RESOURCE_TYPE_URLS.cluster });
      versions.push((await stream.next()).versionInfo);
      stream.close();
    }
    expect(versions[0]).toMatch(/\S/);
    expect(versions[1]).toBe(versions[0]);
    expect([...balancer.handed.values()]).toEqual([1, 1]);
  });

  it('push nothing to a Delta proxy that reconnects to the other replica holding the current versions', async () => {
    const first = track(new RawDeltaStream(balancer.address, metadata));
    first.send({
      node: { id: 'replicated-node' },
      typeUrl: RESOURCE_TYPE_URLS.cluster,
      resourceNamesSubscribe: ['*'],
    });
    const held = await first.next();
    expect(held.resources.map((r) => r.name).sort()).toEqual(['alpha', 'beta']);
    first.close();

    const moved = track(new RawDeltaStream(balancer.address, metadata));
    moved.send({
      node: { id: 'replicated-node' },
      typeUrl: RESOURCE_TYPE_URLS.cluster,
      resourceNamesSubscribe: ['*'],
      initialResourceVersions: Object.fromEntries(held.resources.map((r) => [r.name, r.version])),
    });
    await moved.silentFor(1500);
    expect([...balancer.handed.values()]).toEqual([2, 2]);

    // The control: a real change does reach it, as only the changed resource.
    const changed = await owner.put('/v1/clusters/beta', {
      connectTimeoutMs: 750,
      endpoints: [{ address: '127.0.0.1', port: 9000 }],
    });
    expect(changed.status).toBe(200);
    const pushed = await moved.next(5000);
    expect(pushed.resources.map((r) => r.name)).toEqual(['beta']);
  });

  it('send a GOAWAY at the maximum connection age, so streams rebalance', async () => {
    const aging = await fleet.startXdsReplica({
      XDS_MAX_CONNECTION_AGE_MS: '1500',
      XDS_MAX_CONNECTION_AGE_GRACE_MS: '500',
    });
    const stream = track(new RawAdsStream(aging, metadata));
    stream.send({ node: { id: 'replicated-node' }, typeUrl: RESOURCE_TYPE_URLS.cluster });
    await stream.next();
    const ended = await stream.ended(10_000);
    expect(ended.code).not.toBe(0);
  });
});

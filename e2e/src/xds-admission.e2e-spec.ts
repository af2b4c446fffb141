import { status } from '@grpc/grpc-js';
import { RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { RawAdsStream } from '@envoy-fleet/testing';
import { AdsProbe } from '../support/ads-probe';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';

/** Declares `<prefix>-backend` and an API listener `<prefix>-greeter` routing to it; registers `<prefix>-node`. */
async function declareTenant(owner: ApiClient, prefix: string): Promise<string> {
  const writes = [
    () =>
      owner.post('/v1/clusters', {
        name: `${prefix}-backend`,
        endpoints: [{ address: '127.0.0.1', port: 9000 }],
      }),
    () =>
      owner.post('/v1/route-configurations', {
        name: `${prefix}-routes`,
        virtualHosts: [
          {
            name: 'all',
            domains: ['*'],
            routes: [{ match: { prefix: '/' }, action: { cluster: `${prefix}-backend` } }],
          },
        ],
      }),
    () => owner.post('/v1/listeners', { name: `${prefix}-greeter`, routeConfigName: `${prefix}-routes` }),
  ];
  for (const write of writes) expect((await write()).status).toBe(201);
  const proxy = await owner.post<{ id: string }>('/v1/proxies', { nodeId: `${prefix}-node` });
  expect(proxy.status).toBe(201);
  return proxy.body.id;
}

describe('The xds-server admits only registered node ids, each to its own tenant only', () => {
  let fleet: Fleet;
  let ownerA: ApiClient;
  let ownerB: ApiClient;
  const opened: { close(): void }[] = [];
  const probe = (nodeId: string) => {
    const opening = new AdsProbe(fleet.xdsUri, nodeId);
    opened.push(opening);
    return opening;
  };

  beforeAll(async () => {
    fleet = await Fleet.start();
    [{ owner: ownerA }, { owner: ownerB }] = [
      await fleet.tenantOwner('xds-a'),
      await fleet.tenantOwner('xds-b'),
    ];
    await declareTenant(ownerA, 'a');
    await declareTenant(ownerB, 'b');
  }, 60_000);

  afterAll(async () => {
    opened.forEach((stream) => stream.close());
    await fleet?.stop();
  });

  it('ends the stream of an unregistered node id with PERMISSION_DENIED, sending nothing', async () => {
    const stranger = probe('stranger-node');
    stranger.send('listener');
    const ended = await stranger.stream.ended();
    expect({ code: ended.code, details: ended.details }).toEqual({
      code: status.PERMISSION_DENIED,
      details: expect.stringContaining('stranger-node'),
    });
    expect(await stranger.heardWithin(100)).toEqual([]);
  });

  it('ends the stream of an empty node id, or of no node at all, with INVALID_ARGUMENT', async () => {
    for (const node of [{ id: '' }, undefined]) {
      const stream = new RawAdsStream(fleet.xdsUri);
      opened.push(stream);
      stream.send({ ...(node ? { node } : {}), typeUrl: RESOURCE_TYPE_URLS.listener });
      const ended = await stream.ended();
      expect({ code: ended.code, details: ended.details }).toEqual({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(/node/),
      });
    }
  });

  it("gives tenant B's proxy only B's listeners and clusters by wildcard", async () => {
    const proxyB = probe('b-node');
    expect((await proxyB.subscribe('listener')).names).toEqual(['b-greeter']);
    expect((await proxyB.subscribe('cluster')).names).toEqual(['b-backend']);
  });

  it("never gives B's proxy A's listener or cluster, even asked for by name", async () => {
    const proxyB = probe('b-node');
    proxyB.send('listener', ['a-greeter', 'b-greeter']);
    proxyB.send('cluster', ['a-backend']);
    const names = (await proxyB.heardWithin(1500)).flatMap((answer) => answer.names);
    expect(names).not.toContain('a-greeter');
    expect(names).not.toContain('a-backend');
    // The control: B's own listener, asked for in the same request, is served.
    expect(names).toContain('b-greeter');
  });

  it("pushes a write in B to B's proxy within seconds, and nothing to A's proxy", async () => {
    const [proxyA, proxyB] = [probe('a-node'), probe('b-node')];
    const [firstA, firstB] = [await proxyA.subscribe('cluster'), await proxyB.subscribe('cluster')];
    expect([firstA.names, firstB.names]).toEqual([['a-backend'], ['b-backend']]);
    proxyA.ack('cluster', firstA);
    proxyB.ack('cluster', firstB);

    const written = await ownerB.post('/v1/clusters', {
      name: 'b-canary',
      endpoints: [{ address: '127.0.0.1', port: 9001 }],
    });
    expect(written.status).toBe(201);
    const started = Date.now();
    const pushed = await proxyB.next(5000);
    expect({ names: pushed.names.sort(), newVersion: pushed.version !== firstB.version }).toEqual({
      names: ['b-backend', 'b-canary'],
      newVersion: true,
    });
    console.log(`B's proxy got config written in B after ${Date.now() - started} ms`);
    expect(await proxyA.heardWithin(1500)).toEqual([]);
  });

  describe('a proxy deregistered through the API', () => {
    let connected: AdsProbe;

    beforeAll(async () => {
      const id = (await ownerB.post<{ id: string }>('/v1/proxies', { nodeId: 'b-short-lived' })).body.id;
      connected = probe('b-short-lived');
      const first = await connected.subscribe('listener');
      expect(first.names).toEqual(['b-greeter']);
      connected.ack('listener', first);
      expect((await ownerB.delete(`/v1/proxies/${id}`)).status).toBe(204);
    });

    it('is refused on a new stream', async () => {
      const reconnecting = probe('b-short-lived');
      reconnecting.send('listener');
      expect((await reconnecting.stream.ended()).code).toBe(status.PERMISSION_DENIED);
    });

    it("gets no more of B's config on the stream it still had open", async () => {
      const listener = { name: 'b-after-removal', routeConfigName: 'b-routes' };
      expect((await ownerB.post('/v1/listeners', listener)).status).toBe(201);
      const pushed = (await connected.heardWithin(3000)).flatMap((answer) => answer.names);
      expect(pushed).not.toContain('b-after-removal');
    });
  });
});

import { credentials, status } from '@grpc/grpc-js';
import { csds } from '@envoy-fleet/envoy-api';
import { AdsProbe } from '../support/ads-probe';
import { ApiClient } from '../support/api-client';
import { declareTenant } from '../support/declare-tenant';
import { Fleet } from '../support/fleet';

const NODE_ID = 'same-node';
const exactly = (value: string) => ({ exact: value, ignoreCase: false });

describe('Two tenants whose proxies share a node id, connected to one xds-server at once', () => {
  let fleet: Fleet;
  let ownerA: ApiClient;
  let ownerB: ApiClient;
  const proxyIds = { a: '', b: '' };
  const tokens = { a: '', b: '' };
  const opened: AdsProbe[] = [];
  const probe = (token: string) => {
    const opening = new AdsProbe(fleet.xdsUri, NODE_ID, token);
    opened.push(opening);
    return opening;
  };
  const fetchStatus = (matcher: Partial<csds.NodeMatcher>) => {
    const client = new csds.ClientStatusDiscoveryServiceClient(fleet.csdsUri, credentials.createInsecure());
    const request = csds.ClientStatusRequest.fromPartial({});
    request.nodeMatchers = [{ nodeMetadatas: [], ...matcher }];
    return new Promise<csds.ClientStatusResponse>((resolve, reject) =>
      client.fetchClientStatus(request, (error, response) => {
        client.close();
        return error ? reject(error) : resolve(response);
      }),
    );
  };

  beforeAll(async () => {
    fleet = await Fleet.start();
    [{ owner: ownerA }, { owner: ownerB }] = [
      await fleet.tenantOwner('same-node-a'),
      await fleet.tenantOwner('same-node-b'),
    ];
    proxyIds.a = await declareTenant(ownerA, 'a', NODE_ID);
    proxyIds.b = await declareTenant(ownerB, 'b', NODE_ID);
    tokens.a = await fleet.proxyToken(ownerA, proxyIds.a);
    tokens.b = await fleet.proxyToken(ownerB, proxyIds.b);
  }, 60_000);

  afterAll(async () => {
    opened.forEach((stream) => stream.close());
    await fleet?.stop();
  });

  it('registers the node id in both tenants (201 each), and refuses it twice in one tenant (409)', async () => {
    expect(proxyIds.a).not.toBe(proxyIds.b);
    expect((await ownerA.post('/v1/proxies', { nodeId: NODE_ID })).status).toBe(409);
  });

  it("serves each stream its own tenant's config only, pushes a change to its tenant's stream only, and ends only the removed proxy's stream", async () => {
    const [streamA, streamB] = [probe(tokens.a), probe(tokens.b)];
    const [listenersA, listenersB] = [
      await streamA.subscribe('listener'),
      await streamB.subscribe('listener'),
    ];
    expect([listenersA.names, listenersB.names]).toEqual([['a-greeter'], ['b-greeter']]);
    streamA.ack('listener', listenersA);
    streamB.ack('listener', listenersB);
    const [clustersA, clustersB] = [await streamA.subscribe('cluster'), await streamB.subscribe('cluster')];
    expect([clustersA.names, clustersB.names]).toEqual([['a-backend'], ['b-backend']]);
    streamA.ack('cluster', clustersA);
    streamB.ack('cluster', clustersB);

    const written = await ownerA.post('/v1/clusters', {
      name: 'a-canary',
      endpoints: [{ address: '127.0.0.1', port: 9001 }],
    });
    expect(written.status).toBe(201);
    const pushed = await streamA.next(5000);
    expect(pushed.names.sort()).toEqual(['a-backend', 'a-canary']);
    streamA.ack('cluster', pushed);

    // CSDS reports the two proxies apart, each with its tenant, and can be narrowed to one tenant.
    const tenantOf = (config: csds.ClientConfig) =>
      (config.node?.metadata as Record<string, string> | undefined)?.['envoy-fleet.tenant_id'];
    const both = await fetchStatus({ nodeId: exactly(NODE_ID) });
    const proxyOf = (config: csds.ClientConfig) =>
      (config.node?.metadata as Record<string, string> | undefined)?.['envoy-fleet.proxy_id'];
    expect(both.config.map(proxyOf).sort()).toEqual([proxyIds.a, proxyIds.b].sort());
    const configOfA = both.config.find((config) => proxyOf(config) === proxyIds.a);
    const namesOfA = configOfA?.genericXdsConfigs.map((resource) => resource.name).sort();
    expect(namesOfA?.every((name) => name.startsWith('a-'))).toBe(true);
    const tenantA = configOfA && tenantOf(configOfA);
    expect(tenantA).toMatch(/^[0-9a-f-]{36}$/);
    const onlyA = await fetchStatus({
      nodeMetadatas: [
        { path: [{ key: 'envoy-fleet.tenant_id' }], value: { stringMatch: exactly(tenantA ?? '') } },
      ],
    });
    expect(onlyA.config.map(proxyOf)).toEqual([proxyIds.a]);

    expect((await ownerA.delete(`/v1/proxies/${proxyIds.a}`)).status).toBe(204);
    const ended = await streamA.stream.ended();
    expect(ended.code).toBe(status.PERMISSION_DENIED);
    // B's stream stays open and keeps getting B's pushes. Its next answer is B's change: had A's
    // change above been pushed to it too, that push (sent with A's) would come first.
    const writtenB = await ownerB.post('/v1/clusters', {
      name: 'b-canary',
      endpoints: [{ address: '127.0.0.1', port: 9002 }],
    });
    expect(writtenB.status).toBe(201);
    const pushedB = await streamB.next(5000);
    expect(pushedB.names.sort()).toEqual(['b-backend', 'b-canary']);
  });

  it("gives B's token, presented as node 'same-node', B's config and never A's", async () => {
    // A's proxy is gone by now; register it again so that both are registered while B connects.
    const again = await ownerA.post<{ id: string }>('/v1/proxies', { nodeId: NODE_ID });
    expect(again.status).toBe(201);
    const streamB = probe(tokens.b);
    expect((await streamB.subscribe('listener')).names).toEqual(['b-greeter']);
    streamB.send('cluster', ['a-backend', 'a-canary', 'b-backend']);
    const names = (await streamB.heardWithin(1500)).flatMap((answer) => answer.names);
    expect(names).toContain('b-backend');
    expect(names.filter((name) => name.startsWith('a-'))).toEqual([]);
  });

  it("refuses A's old token (its proxy was removed) though the node id is registered again in A", async () => {
    const stream = probe(tokens.a);
    stream.send('listener');
    const ended = await stream.stream.ended();
    expect({ code: ended.code, heard: await stream.heardWithin(100) }).toEqual({
      code: status.PERMISSION_DENIED,
      heard: [],
    });
  });
});

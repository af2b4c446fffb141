import { credentials, status } from '@grpc/grpc-js';
import { csds, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { pollUntil, RawAdsStream } from '@envoy-fleet/testing';
import { AdsProbe } from '../support/ads-probe';
import { ApiClient } from '../support/api-client';
import { declareTenant } from '../support/declare-tenant';
import { Fleet } from '../support/fleet';
import { createApiKey, exchangeApiKey } from '../support/tokens';
import { parse } from 'yaml';

describe('The xds-server admits only registered proxies with their token, each to its own tenant only', () => {
  let fleet: Fleet;
  let ownerA: ApiClient;
  let ownerB: ApiClient;
  const tokens: Record<string, string> = {};
  const opened: { close(): void }[] = [];
  /** A stream as `nodeId` with that node's own token unless another is given ('' for none). */
  const probe = (nodeId: string, token = tokens[nodeId]) => {
    const opening = new AdsProbe(fleet.xdsUri, nodeId, token || undefined);
    opened.push(opening);
    return opening;
  };
  const refusal = async (stream: AdsProbe) => {
    stream.send('listener');
    const ended = await stream.stream.ended();
    return { code: ended.code, details: ended.details, heard: await stream.heardWithin(100) };
  };

  beforeAll(async () => {
    fleet = await Fleet.start();
    [{ owner: ownerA }, { owner: ownerB }] = [
      await fleet.tenantOwner('xds-a'),
      await fleet.tenantOwner('xds-b'),
    ];
    tokens['a-node'] = await fleet.proxyToken(ownerA, await declareTenant(ownerA, 'a'));
    tokens['b-node'] = await fleet.proxyToken(ownerB, await declareTenant(ownerB, 'b'));
  }, 60_000);

  afterAll(async () => {
    opened.forEach((stream) => stream.close());
    await fleet?.stop();
  });

  it('refuses a stream without a token with UNAUTHENTICATED, sending nothing, registered or not', async () => {
    for (const nodeId of ['a-node', 'stranger-node']) {
      expect(await refusal(probe(nodeId, ''))).toEqual({
        code: status.UNAUTHENTICATED,
        details: expect.stringContaining('proxy token is required'),
        heard: [],
      });
    }
  });

  it('refuses a forged or garbled token with UNAUTHENTICATED', async () => {
    const [prefix, , signature] = tokens['a-node'].split('.');
    const claims = { p: 'x', t: 'y', n: 'a-node', g: 1 };
    const forged = `${prefix}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    for (const token of [forged, 'not-a-token', `${tokens['a-node']}x`]) {
      expect((await refusal(probe('a-node', token))).code).toBe(status.UNAUTHENTICATED);
    }
  });

  it("refuses tenant A's token on tenant B's node id with PERMISSION_DENIED", async () => {
    expect(await refusal(probe('b-node', tokens['a-node']))).toEqual({
      code: status.PERMISSION_DENIED,
      details: expect.stringContaining("issued for node 'a-node'"),
      heard: [],
    });
  });

  it('takes the token from node metadata too, as proxyless gRPC clients send it', async () => {
    const stream = new RawAdsStream(fleet.xdsUri);
    opened.push(stream);
    stream.send({
      node: { id: 'b-node', metadata: { 'envoy-fleet.token': tokens['b-node'] } },
      typeUrl: RESOURCE_TYPE_URLS.cluster,
    });
    expect((await stream.next()).resources.length).toBe(1);
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
      tokens['b-short-lived'] = await fleet.proxyToken(ownerB, id);
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

  describe('a proxy whose tokens are rotated', () => {
    let connected: AdsProbe;
    let proxyId: string;
    let rotated: { token: string; tokenGeneration: number };

    beforeAll(async () => {
      proxyId = (await ownerA.post<{ id: string }>('/v1/proxies', { nodeId: 'a-rotated' })).body.id;
      tokens['a-rotated'] = await fleet.proxyToken(ownerA, proxyId);
      connected = probe('a-rotated');
      expect((await connected.subscribe('listener')).names).toEqual(['a-greeter']);
      const response = await ownerA.post<typeof rotated>(`/v1/proxies/${proxyId}/token`, {});
      expect(response.status).toBe(200);
      rotated = response.body;
    });

    it('loses the stream it had open, with UNAUTHENTICATED', async () => {
      const ended = await connected.stream.ended();
      expect({ code: ended.code, details: ended.details }).toEqual({
        code: status.UNAUTHENTICATED,
        details: expect.stringContaining('revoked'),
      });
    });

    it('is refused with the old token and served with the new one', async () => {
      expect((await refusal(probe('a-rotated'))).code).toBe(status.UNAUTHENTICATED);
      expect(rotated.tokenGeneration).toBe(2);
      expect((await probe('a-rotated', rotated.token).subscribe('listener')).names).toEqual(['a-greeter']);
    });
  });

  describe('the bootstrap the API hands out', () => {
    let proxyId: string;

    beforeAll(async () => {
      proxyId = (await ownerA.post<{ id: string }>('/v1/proxies', { nodeId: 'a-envoy' })).body.id;
    });

    it('is a complete Envoy bootstrap in YAML: ADS with the token, admin on loopback, stats to metrics-service', async () => {
      const response = await ownerA.get<string>(`/v1/proxies/${proxyId}/bootstrap`);
      expect(response.status).toBe(200);
      expect(response.contentType).toContain('application/yaml');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect((parse(response.body) as EnvoyBootstrap).node.id).toBe('a-envoy');
    });

    it('connects: its token and node id are admitted by xds-server (SotW and Delta variants)', async () => {
      for (const mode of ['sotw', 'delta']) {
        const text = await ownerA.get<string>(`/v1/proxies/${proxyId}/bootstrap?mode=${mode}&format=yaml`);
        const bootstrap = parse(text.body) as EnvoyBootstrap;
        const ads = bootstrap.dynamic_resources.ads_config;
        expect(ads.api_type).toBe(mode === 'delta' ? 'DELTA_GRPC' : 'GRPC');
        expect(bootstrap.node.id).toBe('a-envoy');
        expect(bootstrap.admin.address.socket_address.address).toBe('127.0.0.1');
        expect(bootstrap.stats_sinks[0].name).toBe('envoy.stat_sinks.metrics_service');
        const header = ads.grpc_services[0].initial_metadata[0];
        expect(header.key).toBe('authorization');
        const token = header.value.replace(/^Bearer /, '');
        const xds = bootstrap.static_resources.clusters.find(
          (c) => c.name === ads.grpc_services[0].envoy_grpc.cluster_name,
        );
        const address = xds?.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
        expect(`${address?.address}:${address?.port_value}`).toBe(fleet.xdsUri);
        expect((await probe('a-envoy', token).subscribe('listener')).names).toEqual(['a-greeter']);
      }
    });

    it('is JSON on request, and refuses unknown options naming them', async () => {
      const json = await ownerA.get<EnvoyBootstrap>(`/v1/proxies/${proxyId}/bootstrap?format=json`);
      expect(json.contentType).toContain('application/json');
      expect(json.body.node.id).toBe('a-envoy');
      const bad = await ownerA.get(`/v1/proxies/${proxyId}/bootstrap?mode=grpc`);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('mode');
    });

    it("is a credential: a viewer may not have it, and tenant B cannot learn A's proxy exists", async () => {
      const key = await createApiKey(ownerA, 'a-viewer', ['viewer']);
      const viewer = fleet
        .client()
        .withToken((await exchangeApiKey(fleet.client(), key.key)).body.accessToken);
      expect((await viewer.get(`/v1/proxies/${proxyId}/bootstrap`)).status).toBe(403);
      expect((await ownerB.get(`/v1/proxies/${proxyId}/bootstrap`)).status).toBe(404);
      expect((await ownerB.post(`/v1/proxies/${proxyId}/token`, {})).status).toBe(404);
    });
  });

  describe('CSDS (ClientStatusDiscoveryService)', () => {
    const fetchStatus = (nodeId: string) => {
      const client = new csds.ClientStatusDiscoveryServiceClient(fleet.csdsUri, credentials.createInsecure());
      const request = csds.ClientStatusRequest.fromPartial({ nodeMatchers: [{ nodeId: { exact: nodeId } }] });
      return new Promise<csds.ClientStatusResponse>((resolve, reject) =>
        client.fetchClientStatus(request, (error, response) => {
          client.close();
          return error ? reject(error) : resolve(response);
        }),
      );
    };

    it("reports a connected proxy's resources: accepted ones SYNCED, a rejected one NACKED with its error", async () => {
      const proxy = probe('a-node');
      const listeners = await proxy.subscribe('listener');
      proxy.ack('listener', listeners);
      const clusters = await proxy.subscribe('cluster');
      proxy.stream.send({
        typeUrl: RESOURCE_TYPE_URLS.cluster,
        versionInfo: '',
        responseNonce: clusters.response.nonce,
        errorDetail: { code: 3, message: 'a-backend: unsupported lb_policy', details: [] },
      });
      const report = await pollUntil(
        () => fetchStatus('a-node'),
        (r) =>
          r.config[0]?.genericXdsConfigs.some((c) => c.clientStatus === csds.ClientResourceStatus.NACKED) ??
          false,
      );
      expect(report.config.map((c) => c.node?.id)).toEqual(['a-node']);
      const byName = new Map(report.config[0].genericXdsConfigs.map((c) => [`${c.typeUrl} ${c.name}`, c]));
      const listener = byName.get(`${RESOURCE_TYPE_URLS.listener} a-greeter`);
      expect(listener).toMatchObject({
        configStatus: csds.ConfigStatus.SYNCED,
        clientStatus: csds.ClientResourceStatus.ACKED,
        versionInfo: listeners.version,
      });
      expect(listener?.xdsConfig?.typeUrl).toBe(RESOURCE_TYPE_URLS.listener);
      expect(byName.get(`${RESOURCE_TYPE_URLS.cluster} a-backend`)).toMatchObject({
        configStatus: csds.ConfigStatus.ERROR,
        clientStatus: csds.ClientResourceStatus.NACKED,
        errorState: { details: 'a-backend: unsupported lb_policy', versionInfo: clusters.version },
      });
    });

    it('reports nothing for a node with no stream here', async () => {
      expect((await fetchStatus('nobody-here')).config).toEqual([]);
    });
  });
});

interface EnvoyBootstrap {
  node: { id: string };
  admin: { address: { socket_address: { address: string } } };
  stats_sinks: { name: string }[];
  dynamic_resources: {
    ads_config: {
      api_type: string;
      grpc_services: {
        envoy_grpc: { cluster_name: string };
        initial_metadata: { key: string; value: string }[];
      }[];
    };
  };
  static_resources: {
    clusters: {
      name: string;
      load_assignment: {
        endpoints: {
          lb_endpoints: {
            endpoint: { address: { socket_address: { address: string; port_value: number } } };
          }[];
        }[];
      };
    }[];
  };
}

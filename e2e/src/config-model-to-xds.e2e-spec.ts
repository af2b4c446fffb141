import {
  discovery,
  listener as envoyListener,
  RESOURCE_TYPE_URLS,
  TCP_PROXY_FILTER_NAME,
  TCP_PROXY_TYPE_URL,
  tcpProxy,
  tls,
} from '@envoy-fleet/envoy-api';
import {
  BACKEND_METHOD,
  GrpcJsXdsClient,
  pollUntil,
  RawAdsStream,
  selfSigned,
  startTestBackend,
  TestBackend,
  XdsBootstrap,
} from '@envoy-fleet/testing';
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * Subscribes and waits for a response that carries resources. The stream may open before
 * xds-server has heard of the write, and is then answered with an empty list first: like a real
 * client, it ACKs each such answer (xds-server sends the next one after the ACK).
 */
async function firstNonEmpty(
  stream: RawAdsStream,
  request: { typeUrl: string; resourceNames: string[] },
): Promise<discovery.DiscoveryResponse> {
  stream.send({ node: { id: 'model-node' }, ...request });
  let response = await stream.next(10_000);
  while (response.resources.length === 0) {
    stream.send({ ...request, versionInfo: response.versionInfo, responseNonce: response.nonce });
    response = await stream.next(10_000);
  }
  return response;
}

/** A grpc-js-xds channel whose calls carry request metadata, which route header matches test. */
class HeaderSendingClient {
  private readonly client: grpc.Client;

  constructor(listenerName: string, bootstrap: XdsBootstrap) {
    const options = { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) };
    this.client = new grpc.Client(`xds:///${listenerName}`, grpc.credentials.createInsecure(), options);
  }

  whoAnswers(headers: Record<string, string>, timeoutMs = 5000): Promise<string> {
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(headers)) metadata.set(name, value);
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(
        BACKEND_METHOD,
        identity,
        identity,
        Buffer.alloc(0),
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error, reply) =>
          error || !reply ? reject(error ?? new Error('empty reply')) : resolve(reply.toString()),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

describe('The richer config model reaches real xDS clients', () => {
  let fleet: Fleet;
  let owner: ApiClient;
  let backendA: TestBackend;
  let backendB: TestBackend;
  let plain: GrpcJsXdsClient;
  let canary: HeaderSendingClient;
  let proxyId: string;
  const site = selfSigned('api.example.com');

  beforeAll(async () => {
    // Both apps hold the same configured key, as in production: the API seals, xds-server opens.
    const secretsKey = { SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    fleet = await Fleet.start(secretsKey, secretsKey);
    ({ owner } = await fleet.tenantOwner('config-model-team'));
    [backendA, backendB] = [await startTestBackend('stable'), await startTestBackend('canary')];
    const proxy = await owner.post<{ id: string }>('/v1/proxies', { nodeId: 'model-node' });
    expect(proxy.status).toBe(201);
    proxyId = proxy.body.id;
  }, 60_000);

  afterAll(async () => {
    plain?.close();
    canary?.close();
    await Promise.all([backendA?.stop(), backendB?.stop()]);
    await fleet?.stop();
  });

  it('routes by a header match: x-canary: true goes to the canary cluster, everything else to stable', async () => {
    const cluster = (name: string, port: number) =>
      owner.post('/v1/clusters', {
        name,
        endpoints: [{ address: '127.0.0.1', port }],
        circuitBreakers: { maxRequests: 1000 },
        outlierDetection: { consecutive5xx: 5 },
      });
    expect((await cluster('stable', backendA.port)).status).toBe(201);
    expect((await cluster('canary', backendB.port)).status).toBe(201);
    const routes = await owner.post('/v1/route-configurations', {
      name: 'svc-routes',
      virtualHosts: [
        {
          name: 'svc',
          domains: ['svc'],
          routes: [
            {
              match: { prefix: '/', headers: [{ name: 'x-canary', exact: 'true' }] },
              action: { cluster: 'canary', timeoutMs: 2000 },
            },
            {
              match: { prefix: '/' },
              action: {
                weightedClusters: [
                  { cluster: 'stable', weight: 100 },
                  { cluster: 'canary', weight: 0 },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(routes.status).toBe(201);
    expect((await owner.post('/v1/listeners', { name: 'svc', routeConfigName: 'svc-routes' })).status).toBe(
      201,
    );

    const bootstrap = await fleet.grpcBootstrap(owner, proxyId);
    plain = new GrpcJsXdsClient('svc', bootstrap); // also registers the xds: resolver
    canary = new HeaderSendingClient('svc', bootstrap);
    await pollUntil(
      () => plain.whoAnswers(2000),
      (name) => name === 'stable',
      { timeoutMs: 15_000 },
    );
    await pollUntil(
      () => canary.whoAnswers({ 'x-canary': 'true' }, 2000),
      (name) => name === 'canary',
      { timeoutMs: 15_000 },
    );
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await canary.whoAnswers({ 'x-canary': 'true' }),
        await canary.whoAnswers({ 'x-canary': 'no' }),
      );
    }
    expect(answers).toEqual(Array(5).fill(['canary', 'stable']).flat());
  });

  it('delivers a TLS secret over SDS with its key opened, though the API stores it sealed', async () => {
    const created = await owner.post('/v1/secrets', {
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      certificatePem: site.cert,
      privateKeyPem: site.key,
    });
    expect(created.status).toBe(201);
    const listener = await owner.post('/v1/listeners', {
      name: 'edge',
      port: 8443,
      filterChains: [
        {
          serverNames: ['api.example.com'],
          tls: { certificateSecret: 'site-cert' },
          routeConfigName: 'svc-routes',
        },
      ],
    });
    expect(listener.status).toBe(201);

    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${await fleet.proxyToken(owner, proxyId)}`);
    const stream = new RawAdsStream(fleet.xdsUri, metadata);
    try {
      const response = await firstNonEmpty(stream, {
        typeUrl: RESOURCE_TYPE_URLS.secret,
        resourceNames: ['site-cert'],
      });
      const [secret] = response.resources.map((any) => tls.Secret.decode(any.value));
      expect(secret?.name).toBe('site-cert');
      expect(secret?.tlsCertificate?.certificateChain?.inlineString).toBe(site.cert);
      expect(secret?.tlsCertificate?.privateKey?.inlineString).toBe(site.key);
    } finally {
      stream.close();
    }
  });

  it('delivers a listener with TCP proxy filter chains over LDS as the TcpProxy typed config', async () => {
    const pg = await owner.post('/v1/clusters', {
      name: 'pg',
      endpoints: [{ address: '127.0.0.1', port: 5432 }],
    });
    expect(pg.status).toBe(201);
    const created = await owner.post('/v1/listeners', {
      name: 'db-edge',
      port: 15432,
      filterChains: [
        {
          serverNames: ['api.example.com'],
          tls: { certificateSecret: 'site-cert' },
          tcpProxy: { cluster: 'pg', idleTimeoutMs: 30_000 },
        },
        {
          tcpProxy: {
            weightedClusters: [
              { cluster: 'stable', weight: 9 },
              { cluster: 'canary', weight: 1 },
            ],
            statPrefix: 'passthrough',
          },
        },
      ],
    });
    expect(created.status).toBe(201);

    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${await fleet.proxyToken(owner, proxyId)}`);
    const stream = new RawAdsStream(fleet.xdsUri, metadata);
    try {
      const response = await firstNonEmpty(stream, {
        typeUrl: RESOURCE_TYPE_URLS.listener,
        resourceNames: ['db-edge'],
      });
      expect(response.resources.map((any) => any.typeUrl)).toEqual([RESOURCE_TYPE_URLS.listener]);
      const listener = envoyListener.Listener.decode(response.resources[0]!.value);
      expect(listener.name).toBe('db-edge');
      expect(listener.address?.socketAddress?.portValue).toBe(15432);
      const [terminated, passthrough] = listener.filterChains;
      expect(terminated!.filterChainMatch?.serverNames).toEqual(['api.example.com']);
      const context = tls.DownstreamTlsContext.decode(terminated!.transportSocket!.typedConfig!.value);
      expect(context.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((c) => c.name)).toEqual([
        'site-cert',
      ]);
      const proxyOf = (chain: envoyListener.FilterChain | undefined) => {
        expect(chain!.filters.map((f) => [f.name, f.typedConfig?.typeUrl])).toEqual([
          [TCP_PROXY_FILTER_NAME, TCP_PROXY_TYPE_URL],
        ]);
        return tcpProxy.TcpProxy.decode(chain!.filters[0]!.typedConfig!.value);
      };
      expect(proxyOf(terminated)).toMatchObject({
        statPrefix: 'db-edge',
        cluster: 'pg',
        idleTimeout: { seconds: 30, nanos: 0 },
      });
      expect(passthrough!.transportSocket).toBeUndefined();
      const split = proxyOf(passthrough);
      expect(split.statPrefix).toBe('passthrough');
      expect(split.weightedClusters?.clusters.map((c) => [c.name, c.weight])).toEqual([
        ['stable', 9],
        ['canary', 1],
      ]);
    } finally {
      stream.close();
    }
  });
});

import {
  GrpcJsXdsClient,
  pollUntil,
  PythonXdsClient,
  startTestBackend,
  TestBackend,
} from '@envoy-fleet/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigRejectedEvent, JetStreamEventBus, Subjects } from '@envoy-fleet/messaging';
import { ApiClient } from '../support/api-client';
import { EmbeddedFleet, Fleet, RunningFleet } from '../support/fleet';

interface ProxyStatusBody {
  status: {
    type: string;
    state: string;
    errorDetail?: string;
    ackedVersion: string;
    sentVersion: string;
    rejection?: { configVersion: number; objects: { kind: string; name: string }[] };
  }[];
  connected: boolean;
  sync: string;
}

interface ProxyConfigBody {
  sync: string;
  types: {
    type: string;
    kind: string;
    resources: { name: string; sent: string | null; acked: string | null; inSync: boolean }[];
  }[];
}

/** Every answer of `calls` consecutive calls. */
async function answers(client: { whoAnswers(): Promise<string> }, calls = 10): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < calls; i++) seen.push(await client.whoAnswers());
  return seen;
}

// The same proof on the production layout (one process per app, PostgreSQL and NATS) and on
// `npm start`'s embedded one (one process, PGlite and the in-process bus, nothing else running).
const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

const layouts: [string, () => Promise<RunningFleet>][] = [
  ['apps on PostgreSQL and NATS', () => Fleet.start()],
  ['the embedded one-process fleet', () => EmbeddedFleet.start(mkdtempSync(join(tmpdir(), 'fleet-e2e-')))],
];

describe.each(layouts)('A route declared through the API reaches real xDS clients (%s)', (_layout, start) => {
  let fleet: RunningFleet;
  let owner: ApiClient;
  let tenantId: string;
  let backendA: TestBackend;
  let backendB: TestBackend;
  let nodeClient: GrpcJsXdsClient;
  let pythonClient: PythonXdsClient;
  const proxyIds: Record<string, string> = {};

  beforeAll(async () => {
    fleet = await start();
    ({ owner, tenantId } = await fleet.tenantOwner('greeter-team'));
    [backendA, backendB] = [await startTestBackend('backend-a'), await startTestBackend('backend-b')];
  }, 60_000);

  afterAll(async () => {
    nodeClient?.close();
    await pythonClient?.close();
    await Promise.all([backendA?.stop(), backendB?.stop()]);
    await fleet?.stop();
    if (fleet instanceof EmbeddedFleet) rmSync(fleet.dataDir, { recursive: true, force: true });
  });

  it('registers two proxies and declares greeter -> backend A', async () => {
    for (const nodeId of ['grpc-js-node', 'python-node']) {
      const proxy = await owner.post<{ id: string }>('/v1/proxies', { nodeId, labels: { app: 'greeter' } });
      expect(proxy.status).toBe(201);
      proxyIds[nodeId] = proxy.body.id;
    }
    const clusterA = await owner.post('/v1/clusters', {
      name: 'greeter-a',
      endpoints: [{ address: '127.0.0.1', port: backendA.port }],
    });
    expect(clusterA.status).toBe(201);
    expect(clusterA.headers.get('x-fleet-config-version')).toBe('1');
    const routes = await owner.post('/v1/route-configurations', {
      name: 'greeter-routes',
      virtualHosts: [
        {
          name: 'greeter',
          domains: ['greeter'],
          routes: [{ match: { prefix: '/' }, action: { cluster: 'greeter-a' } }],
        },
      ],
    });
    expect(routes.status).toBe(201);
    const listener = await owner.post('/v1/listeners', {
      name: 'greeter',
      routeConfigName: 'greeter-routes',
    });
    expect(listener.status).toBe(201);
  });

  it('1. a grpc-js-xds client dialing xds:///greeter gets answers from backend A', async () => {
    nodeClient = new GrpcJsXdsClient('greeter', await fleet.grpcBootstrap(owner, proxyIds['grpc-js-node']));
    await pollUntil(
      () => nodeClient.whoAnswers(2000),
      (name) => name === 'backend-a',
      { timeoutMs: 15_000 },
    );
    expect(await answers(nodeClient)).toEqual(Array(10).fill('backend-a'));
  });

  it("4. Debian's python3-grpcio client gets answers from backend A too", async () => {
    pythonClient = await PythonXdsClient.start(
      'greeter',
      await fleet.grpcBootstrap(owner, proxyIds['python-node']),
    );
    await pollUntil(
      () => pythonClient.whoAnswers(),
      (name) => name === 'backend-a',
      { timeoutMs: 15_000 },
    );
    expect(await answers(pythonClient, 5)).toEqual(Array(5).fill('backend-a'));
  });

  it('shows each proxy connected with every type acknowledged', async () => {
    for (const id of Object.values(proxyIds)) {
      const proxy = await pollUntil(
        () => owner.get<ProxyStatusBody>(`/v1/proxies/${id}`),
        (r) => r.body.status.filter((s) => s.state === 'ACKED').length >= 4,
      );
      expect(proxy.body.connected).toBe(true);
      const types = proxy.body.status
        .filter((s) => s.state === 'ACKED')
        .map((s) => s.type)
        .sort();
      expect(types).toEqual(['cluster', 'endpoint', 'listener', 'route']);
    }
  });

  it('2. adding backend B and moving the weight to it: both clients follow without a restart', async () => {
    expect(
      (
        await owner.post('/v1/clusters', {
          name: 'greeter-b',
          endpoints: [{ address: '127.0.0.1', port: backendB.port }],
        })
      ).status,
    ).toBe(201);
    const moved = await owner.put('/v1/route-configurations/greeter-routes', {
      virtualHosts: [
        {
          name: 'greeter',
          domains: ['greeter'],
          routes: [
            {
              match: { prefix: '/' },
              action: {
                weightedClusters: [
                  { cluster: 'greeter-a', weight: 0 },
                  { cluster: 'greeter-b', weight: 100 },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(moved.status).toBe(200);
    const started = Date.now();
    await pollUntil(
      () => nodeClient.whoAnswers(),
      (name) => name === 'backend-b',
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    // Not a timing assertion: printed so the README's "within a second" can be checked by eye.
    console.log(`grpc-js-xds client followed the weight move in ${Date.now() - started} ms`);
    expect(await answers(nodeClient)).toEqual(Array(10).fill('backend-b'));
    await pollUntil(
      () => pythonClient.whoAnswers(),
      (name) => name === 'backend-b',
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    expect(await answers(pythonClient, 5)).toEqual(Array(5).fill('backend-b'));
  });

  it('3. a change the clients reject shows as a NACK with its error, and they keep the last good config', async () => {
    // On the NATS layout, watch the events a webhook or a dashboard would get.
    const published: ConfigRejectedEvent[] = [];
    const bus =
      fleet instanceof Fleet ? await JetStreamEventBus.connect(NATS_URL, 'e2e-rejections') : undefined;
    await bus?.subscribe<ConfigRejectedEvent>(
      { subject: Subjects.configRejected(tenantId) },
      async (event) => {
        published.push(event.payload);
      },
    );
    const rejected = await owner.put('/v1/clusters/greeter-b', {
      lbPolicy: 'MAGLEV',
      endpoints: [{ address: '127.0.0.1', port: backendB.port }],
    });
    expect(rejected.status).toBe(200);
    const rejectedVersion = Number(rejected.headers.get('x-fleet-config-version'));
    const traffic = { 'grpc-js-node': nodeClient, 'python-node': pythonClient };
    for (const [nodeId, id] of Object.entries(proxyIds)) {
      const proxy = await pollUntil(
        async () => {
          // An idle python3-grpcio channel can take seconds to read an xDS update; under traffic it is prompt.
          await traffic[nodeId as keyof typeof traffic].whoAnswers();
          return owner.get<ProxyStatusBody>(`/v1/proxies/${id}`);
        },
        (r) => r.body.status.some((s) => s.type === 'cluster' && s.state === 'NACKED'),
      );
      const cluster = proxy.body.status.find((s) => s.type === 'cluster')!;
      expect(cluster.errorDetail).toMatch(/MAGLEV|lb.?policy/i);
      expect(cluster.ackedVersion).not.toBe(cluster.sentVersion);
      // Traced to its source: the cluster written through the API, and the config version it made.
      expect(cluster.rejection).toEqual({
        configVersion: rejectedVersion,
        objects: [{ kind: 'cluster', name: 'greeter-b' }],
      });
      expect(proxy.body.sync).toBe('nacked');
      const config = await owner.get<ProxyConfigBody>(`/v1/proxies/${id}/config`);
      const clusters = config.body.types.find((t) => t.type === 'cluster')!;
      expect(clusters.kind).toBe('cluster');
      expect(clusters.resources.filter((r) => !r.inSync).map((r) => r.name)).toEqual(['greeter-b']);
      expect(clusters.resources.find((r) => r.name === 'greeter-a')).toMatchObject({ inSync: true });
    }
    const nacked = await owner.get<{ items: { nodeId: string }[] }>('/v1/proxies?sync=nacked');
    expect(nacked.body.items.map((p) => p.nodeId).sort()).toEqual(['grpc-js-node', 'python-node']);
    expect((await owner.get<{ items: unknown[] }>('/v1/proxies?sync=synced')).body.items).toEqual([]);
    if (bus) {
      await pollUntil(
        async () => published.length,
        (count) => count >= 2,
      );
      expect(published.map((e) => e.nodeId).sort()).toEqual(['grpc-js-node', 'python-node']);
      expect(published[0]).toMatchObject({
        type: 'cluster',
        rejection: { configVersion: rejectedVersion, objects: [{ kind: 'cluster', name: 'greeter-b' }] },
        errorDetail: expect.stringMatching(/MAGLEV|lb.?policy/i),
      });
      await bus.close();
    }
    expect(await answers(nodeClient)).toEqual(Array(10).fill('backend-b'));
    expect(await answers(pythonClient, 5)).toEqual(Array(5).fill('backend-b'));
  });
});

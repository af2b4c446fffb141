import { GrpcJsXdsClient, pollUntil, startTestBackend, TestBackend } from '@envoy-fleet/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiClient } from '../support/api-client';
import { EmbeddedFleet } from '../support/fleet';
import { remotePortsOf } from '../support/sockets';

const SERVER_PORTS = { postgres: 5432, redis: 6379, nats: 4222 };

function routeTo(cluster: string) {
  return {
    virtualHosts: [
      { name: 'greeter', domains: ['greeter'], routes: [{ match: { prefix: '/' }, action: { cluster } }] },
    ],
  };
}

// `npm start` with nothing configured: one process, its data in a folder, nothing else to run.
describe('The embedded one-process fleet', () => {
  let fleet: EmbeddedFleet;
  let owner: ApiClient;
  let backendA: TestBackend;
  let backendB: TestBackend;
  let client: GrpcJsXdsClient;
  let proxyId: string;

  beforeAll(async () => {
    fleet = await EmbeddedFleet.start(mkdtempSync(join(tmpdir(), 'fleet-embedded-e2e-')));
    ({ owner } = await fleet.tenantOwner('embedded-team'));
    [backendA, backendB] = [await startTestBackend('backend-a'), await startTestBackend('backend-b')];
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await Promise.all([backendA?.stop(), backendB?.stop()]);
    await fleet?.stop();
    if (fleet) rmSync(fleet.dataDir, { recursive: true, force: true });
  });

  it('serves a route to a real xDS client', async () => {
    proxyId = (await owner.post<{ id: string }>('/v1/proxies', { nodeId: 'embedded-node' })).body.id;
    for (const [name, port] of [
      ['greeter-a', backendA.port],
      ['greeter-b', backendB.port],
    ] as const) {
      expect(
        (await owner.post('/v1/clusters', { name, endpoints: [{ address: '127.0.0.1', port }] })).status,
      ).toBe(201);
    }
    expect(
      (await owner.post('/v1/route-configurations', { name: 'greeter-routes', ...routeTo('greeter-a') }))
        .status,
    ).toBe(201);
    expect(
      (await owner.post('/v1/listeners', { name: 'greeter', routeConfigName: 'greeter-routes' })).status,
    ).toBe(201);
    client = new GrpcJsXdsClient('greeter', await fleet.grpcBootstrap(owner, proxyId));
    await pollUntil(
      () => client.whoAnswers(2000),
      (name) => name === 'backend-a',
      { timeoutMs: 20_000 },
    );
  });

  it("gives a tenant its traffic signals from metrics-service, and nobody else's", async () => {
    const signals = await owner.get<{ tenantId: string; proxies: number; requestRate: number }>(
      '/v1/signals',
    );
    expect(signals.status).toBe(200);
    expect(signals.body).toMatchObject({ proxies: 0, requestRate: 0 });
    const { tenantId } = await fleet.tenantOwner('signals-other');
    expect(signals.body.tenantId).not.toBe(tenantId);
    expect((await fleet.client().get('/v1/signals')).status).toBe(401);
  });

  it('talks to no PostgreSQL, Redis or NATS server', () => {
    const ports = remotePortsOf(fleet.pid);
    for (const [server, port] of Object.entries(SERVER_PORTS)) {
      expect({ server, connected: ports.includes(port) }).toEqual({ server, connected: false });
    }
  });

  it('refuses a second fleet on the same data folder, saying why', () => {
    const second = spawnSync(process.execPath, [resolve(__dirname, '../../dist/apps/fleet/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        NATS_URL: '',
        REDIS_URL: '',
        FLEET_DATA_DIR: fleet.dataDir,
        API_GATEWAY_HTTP_PORT: '0',
        XDS_SERVER_HTTP_PORT: '0',
        XDS_SERVER_XDS_PORT: '0',
        WEBHOOK_SERVICE_HTTP_PORT: '0',
        METRICS_SERVICE_HTTP_PORT: '0',
        NODE_AGENT_HTTP_PORT: '0',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(second.status).toBe(1);
    expect(second.stdout + second.stderr).toMatch(new RegExp(`in use by process ${fleet.pid}`));
  });

  it('keeps the config over a restart, and the proxy converges to it and to later changes', async () => {
    await fleet.restart();
    const relogged = await fleet.tenantOwner('after-restart');
    expect(relogged.tenantId).toBeDefined();
    const clusters = await owner.get<{ items: { name: string }[] }>('/v1/clusters');
    expect(clusters.status).toBe(200);
    expect(clusters.body.items.map((c) => c.name).sort()).toEqual(['greeter-a', 'greeter-b']);

    // The client reconnects to the restarted xds-server on its own and is served the same config.
    await pollUntil(
      () => owner.get<{ connected: boolean }>(`/v1/proxies/${proxyId}`),
      (r) => r.body.connected,
      { timeoutMs: 30_000 },
    );
    expect(await client.whoAnswers(2000)).toBe('backend-a');

    expect((await owner.put('/v1/route-configurations/greeter-routes', routeTo('greeter-b'))).status).toBe(
      200,
    );
    await pollUntil(
      () => client.whoAnswers(2000),
      (name) => name === 'backend-b',
      { timeoutMs: 20_000 },
    );
  }, 90_000);
});

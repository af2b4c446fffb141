import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createTestDatabase, TestDatabase } from '@envoy-fleet/testing';
import Docker from 'dockerode';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../support/api-client';
import { ADMIN, FLEET_JWT_SECRET } from '../support/fleet';
import { AppProcess, freePort } from '../support/fleet-processes';
import { adminReady, answerOn, pushedConfig, staticListeners } from '../support/stand-in-proxy';

// Tests read the environment directly. Without DOCKER_HOST they use the socket that
// scripts/podman/setup.sh serves (its default PODMAN_DIR).
const DOCKER_HOST =
  process.env['DOCKER_HOST'] ||
  `unix://${process.env['PODMAN_DIR'] || '/var/tmp/envoy-fleet-podman'}/podman.sock`;
const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const IMAGE = process.env['STAND_IN_IMAGE'] ?? 'localhost/envoy-fleet/stand-in-proxy:dev';
const DRAIN_TIME_MS = 2000;

interface LifecycleEvent {
  proxyId: string;
  state: string;
  restartCount: number;
  detail?: string;
}

/** What the agent printed last, for failure messages. */
let agentLog: () => string = () => '';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  const log = agentLog().split('\n').slice(-30).join('\n');
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\nnode-agent's log:\n${log}`,
  );
}

// node-agent against a real container engine (podman's Docker API) and the stand-in proxy image:
// the API declares proxies on a VM, the agent runs them, restarts a crashed one, drains and removes
// an undeclared one, and brings them back from its cache with the control plane down.
describe('node-agent on a real engine', () => {
  let docker: Docker;
  let database: TestDatabase;
  let nats: NatsConnection;
  let stateDir: string;
  let api: AppProcess | undefined;
  let agent: AppProcess | undefined;
  let apiPort: number;
  let owner: ApiClient;
  let tenantId: string;
  let vmId: string;
  let agentEnv: Record<string, string>;
  const events: { subject: string; payload: LifecycleEvent }[] = [];
  const proxyIds: string[] = [];

  const startApi = async () => {
    api = await AppProcess.start(
      'api-gateway',
      {
        DATABASE_URL: database.appUrl,
        NATS_URL,
        LOG_LEVEL: 'warn',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(apiPort),
        JWT_SECRET: FLEET_JWT_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        OUTBOX_POLL_INTERVAL_MS: '200',
      },
      [apiPort],
      60_000,
    );
  };
  const startAgent = async () => {
    const httpPort = await freePort();
    const started = await AppProcess.start('node-agent', { ...agentEnv, HTTP_PORT: String(httpPort) }, [
      httpPort,
    ]);
    agent = started;
    agentLog = () => started.log();
  };
  const containers = () =>
    docker.listContainers({ all: true, filters: { label: [`envoy-fleet.vm-id=${vmId}`] } });
  const containerOf = async (proxyId: string) =>
    (await containers()).find((c) => c.Labels['envoy-fleet.proxy-id'] === proxyId);
  const proxy = async (proxyId: string) =>
    (await owner.get<{ lifecycle?: LifecycleEvent }>(`/v1/proxies/${proxyId}`)).body;
  const statesOf = (proxyId: string) =>
    events.filter((e) => e.payload.proxyId === proxyId).map((e) => e.payload.state);

  beforeAll(async () => {
    if (!DOCKER_HOST.startsWith('unix://')) {
      throw new Error(
        `DOCKER_HOST must be a unix socket (got ${DOCKER_HOST}): run \`bash scripts/podman/setup.sh\``,
      );
    }
    docker = new Docker({ socketPath: DOCKER_HOST.slice('unix://'.length) });
    await docker.ping().catch((error: unknown) => {
      throw new Error(
        `no container engine answers at ${DOCKER_HOST} (run scripts/podman/setup.sh): ${String(error)}`,
      );
    });
    await docker
      .getImage(IMAGE)
      .inspect()
      .catch(() => {
        throw new Error(`the stand-in image ${IMAGE} is missing: run scripts/podman/setup.sh`);
      });
    database = await createTestDatabase();
    apiPort = await freePort();
    await startApi();
    const admin = await new ApiClient(`http://127.0.0.1:${apiPort}`).login(ADMIN.email, ADMIN.password);
    const owned = { email: 'owner@agent.test', password: 'agent-owner-password' };
    const tenant = await admin.post<{ id: string }>('/v1/tenants', { name: 'agent', owner: owned });
    tenantId = tenant.body.id;
    owner = await new ApiClient(`http://127.0.0.1:${apiPort}`).login(owned.email, owned.password);
    nats = await connect({ servers: NATS_URL });
    for (const subject of [`fleet.proxy.lifecycle.${tenantId}`, `fleet.deployment.completed.${tenantId}`]) {
      const subscription = nats.subscribe(subject);
      void (async () => {
        for await (const message of subscription)
          events.push({ subject, payload: message.json<LifecycleEvent>() });
      })();
    }

    const vm = await owner.post<{ id: string }>('/v1/vms', { name: 'vm-1', labels: { zone: 'a' } });
    expect(vm.status).toBe(201);
    vmId = vm.body.id;
    const token = await owner.post<{ token: string }>(`/v1/vms/${vmId}/agent-token`, {});
    expect(token.status).toBe(201);
    stateDir = mkdtempSync(join(tmpdir(), 'node-agent-'));
    // Each run gets its own admin port range: other test runs share the host network.
    const adminPortBase = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    agentEnv = {
      API_URL: `http://127.0.0.1:${apiPort}`,
      AGENT_TOKEN: token.body.token,
      DOCKER_HOST,
      NATS_URL,
      AGENT_STATE_DIR: stateDir,
      PROXY_IMAGE: IMAGE,
      ADMIN_PORT_BASE: String(adminPortBase),
      DRAIN_TIME_MS: String(DRAIN_TIME_MS),
      STOP_GRACE_SECONDS: '5',
      PROXY_MEMORY_BYTES: String(128 * 1024 * 1024),
      PROXY_MILLICPUS: '500',
      HEARTBEAT_INTERVAL_MS: '500',
      // Long enough that declaring and undeclaring are seen through the NATS pushes, not the resync.
      RESYNC_INTERVAL_MS: '120000',
      POLL_INTERVAL_MS: '1000',
      CONFIG_CAPTURE_INTERVAL_MS: '500',
      LOG_LEVEL: 'log',
      HTTP_HOST: '127.0.0.1',
    };
    await startAgent();
  }, 90_000);

  afterAll(async () => {
    await agent?.stop();
    if (docker && vmId) {
      for (const c of await containers()) await docker.getContainer(c.Id).remove({ force: true });
    }
    await api?.stop();
    await nats?.close();
    await database?.drop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('registers the VM and shows it online with what the agent reported', async () => {
    const vm = await until('the VM online', async () => {
      const { body } = await owner.get<{ status: string; hostname?: string; agentVersion?: string }>(
        `/v1/vms/${vmId}`,
      );
      return body.status === 'online' ? body : undefined;
    });
    expect(vm).toMatchObject({ name: 'vm-1', agentVersion: '0.1.0', agentTokenIssued: true });
    expect(vm.hostname).toEqual(expect.any(String));
  });

  it('runs two declared proxies, each with its labels, limits, bootstrap and a ready admin', async () => {
    for (const nodeId of ['agent-edge-1', 'agent-edge-2']) {
      const created = await owner.post<{ id: string }>('/v1/proxies', { nodeId, vmId });
      expect(created.status).toBe(201);
      proxyIds.push(created.body.id);
    }
    for (const [index, proxyId] of proxyIds.entries()) {
      const summary = await until(`proxy ${index} running`, async () => {
        const found = await containerOf(proxyId);
        return found?.State === 'running' && (await proxy(proxyId)).lifecycle?.state === 'running'
          ? found
          : undefined;
      });
      expect(summary.Labels).toMatchObject({
        'envoy-fleet.managed-by': 'node-agent',
        'envoy-fleet.vm-id': vmId,
        'envoy-fleet.tenant-id': tenantId,
        'envoy-fleet.node-id': `agent-edge-${index + 1}`,
      });
      const info = await docker.getContainer(summary.Id).inspect();
      expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
      expect(info.HostConfig.NanoCpus).toBe(500_000_000);
      const mount = info.Mounts.find((m) => m.Destination === '/etc/envoy/envoy.json');
      const bootstrap = JSON.parse(readFileSync(mount?.Source ?? '', 'utf8'));
      expect(bootstrap.node.id).toBe(`agent-edge-${index + 1}`);
      expect(bootstrap.dynamic_resources.ads_config.grpc_services[0].initial_metadata[0].value).toMatch(
        /^Bearer fpt\./,
      );
      expect(await adminReady(Number(summary.Labels['envoy-fleet.admin-port']))).toBe(true);
    }
    await until('fleet.deployment.completed', async () =>
      events.find((e) => e.subject.startsWith('fleet.deployment.completed')),
    );
    const vm = await owner.get<{ proxies: { id: string }[] }>(`/v1/vms/${vmId}`);
    expect(vm.body.proxies.map((p) => p.id).sort()).toEqual([...proxyIds].sort());
  });

  it('restarts a proxy that was killed and reports the crash', async () => {
    const [first] = proxyIds;
    const before = await containerOf(first);
    await docker.getContainer(before?.Id ?? '').kill({ signal: 'SIGKILL' });
    await until('the crash reported', async () => (statesOf(first).includes('crashed') ? true : undefined));
    const after = await until('the proxy running again', async () => {
      const shown = await proxy(first);
      return shown.lifecycle?.state === 'running' && shown.lifecycle.restartCount === 1 ? shown : undefined;
    });
    expect(after.lifecycle?.restartCount).toBe(1);
    const crash = events.find((e) => e.payload.proxyId === first && e.payload.state === 'crashed');
    expect(crash?.payload.detail).toMatch(/exited with code 137/);
    expect((await containerOf(first))?.State).toBe('running');
  });

  it('drains an undeclared proxy before stopping it, then removes its container', async () => {
    const second = proxyIds[1];
    const adminPort = Number((await containerOf(second))?.Labels['envoy-fleet.admin-port']);
    const patched = await owner.request('PATCH', `/v1/proxies/${second}`, { vmId: null });
    expect(patched.status).toBe(200);
    await until('draining', async () => (statesOf(second).includes('draining') ? true : undefined));
    // Draining: health checks fail (admin /ready says 503) while the proxy still runs.
    expect(await adminReady(adminPort)).toBe(false);
    expect((await containerOf(second))?.State).toBe('running');
    await until('the container removed', async () => ((await containerOf(second)) ? undefined : true));
    await until('stopped reported', async () => (statesOf(second).includes('stopped') ? true : undefined));
    expect(statesOf(second).slice(-2)).toEqual(['draining', 'stopped']);
  });

  it('keeps proxies running without the control plane, restarts them from their last good config, and hands them back', async () => {
    const [first] = proxyIds;
    const running = await containerOf(first);
    const port = Number(running?.Labels['envoy-fleet.admin-port']);
    const mountOf = async (id: string) =>
      JSON.parse(
        readFileSync(
          (await docker.getContainer(id).inspect()).Mounts.find(
            (m) => m.Destination === '/etc/envoy/envoy.json',
          )?.Source ?? '',
          'utf8',
        ),
      );

    // What xds-server pushed: a listener whose routes answer directly. The agent keeps what it accepted.
    const servicePort = await freePort();
    const body = 'served from the config xds-server pushed\n';
    const pushed = await fetch(`http://127.0.0.1:${port}/stand-in/xds`, {
      method: 'POST',
      body: JSON.stringify(pushedConfig(servicePort, body)),
    });
    expect(pushed.status).toBe(200);
    expect(await until('the pushed listener answering', () => answerOn(servicePort))).toBe(body);
    const kept = join(stateDir, 'accepted', `${first}.json`);
    await until('the accepted config kept', async () =>
      existsSync(kept) && readFileSync(kept, 'utf8').includes('ingress-routes') ? true : undefined,
    );

    await api?.stop();
    await new Promise((done) => setTimeout(done, 1500));
    expect((await containerOf(first))?.State).toBe('running');
    expect((await containerOf(first))?.Id).toBe(running?.Id);

    // A VM reboot with the control plane still down: the agent stops, the proxy goes down with the VM.
    await agent?.stop();
    await docker.getContainer(running?.Id ?? '').stop({ t: 5 });
    expect(await answerOn(servicePort)).toBeUndefined();
    await startAgent();
    const lastGood = await until('the proxy up from its last good config', async () => {
      const found = await containerOf(first);
      return found?.State === 'running' &&
        found.Labels['envoy-fleet.config-source'] === 'last-good' &&
        (await adminReady(port))
        ? found
        : undefined;
    });
    // It serves the listener it had accepted, now static: no xds-server is needed.
    expect(await until('the last good listener answering', () => answerOn(servicePort))).toBe(body);
    expect(await staticListeners(port)).toEqual(['ingress']);
    const lastGoodBootstrap = await mountOf(lastGood.Id);
    expect(lastGoodBootstrap).not.toHaveProperty('dynamic_resources');
    expect(lastGoodBootstrap.static_resources.clusters).toContainEqual(
      expect.objectContaining({ name: 'backend', type: 'STATIC' }),
    );

    // The control plane returns: the agent registers again and hands the proxy back to xds-server.
    await startApi();
    const vm = await until('the VM online again', async () => {
      const { body: shown } = await owner.get<{ status: string }>(`/v1/vms/${vmId}`);
      return shown.status === 'online' ? shown : undefined;
    });
    expect(vm.status).toBe('online');
    const handedBack = await until(
      'the proxy handed back to ADS',
      async () => {
        const found = await containerOf(first);
        return found?.State === 'running' &&
          found.Labels['envoy-fleet.config-source'] === 'ads' &&
          (await adminReady(port))
          ? found
          : undefined;
      },
      60_000,
    );
    expect(await mountOf(handedBack.Id)).toHaveProperty('dynamic_resources.ads_config');
    expect(await staticListeners(port)).toEqual([]);
    const shown = await until('running reported after the hand-back', async () => {
      const current = await proxy(first);
      return current.lifecycle?.state === 'running' && current.lifecycle.detail?.includes('handed back')
        ? current
        : undefined;
    });
    // Drained before it was replaced; neither restart was a crash, the count goes on from what the API knew.
    expect(statesOf(first).slice(-3)).toEqual(['draining', 'starting', 'running']);
    expect(shown.lifecycle?.restartCount).toBe(1);
  }, 150_000);
});

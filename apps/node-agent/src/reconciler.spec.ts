import type { AgentAssignments, AssignedProxy } from '@envoy-fleet/domain';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignmentCache } from './assignment-cache';
import { LifecycleReport, LifecycleReporter } from './lifecycle-reporter';
import { ProxyAdmin } from './proxy-admin';
import { Reconciler, ReconcilerOptions } from './reconciler';
import { LABELS } from './runtime/container-runtime';
import { InMemoryRuntime } from './runtime/in-memory-runtime';

const IMAGE = 'stand-in:test';

function proxy(id: string, nodeId: string): AssignedProxy {
  return { id, nodeId, labels: {}, bootstrap: { node: { id: nodeId }, admin: {} }, restartCount: 0 };
}

function assignments(...proxies: AssignedProxy[]): AgentAssignments {
  return { vm: { id: 'vm-1', tenantId: 't-1', name: 'vm' }, proxies, heartbeatIntervalMs: 10_000 };
}

/** Admin answers `/ready` for the ports in `up`, and records which were told to fail health checks. */
class FakeAdmin implements ProxyAdmin {
  readonly up = new Set<number>();
  readonly failed: number[] = [];
  readonly dumps = new Map<number, unknown>();
  async ready(port: number): Promise<boolean> {
    return this.up.has(port);
  }
  async failHealthChecks(port: number): Promise<void> {
    this.failed.push(port);
  }
  async configDump(port: number): Promise<unknown> {
    return this.dumps.get(port) ?? { configs: [] };
  }
}

/** What Envoy's `/config_dump?include_eds` answers after xds-server pushed a proxy's config. */
const DUMP: unknown = JSON.parse(
  readFileSync(join(__dirname, '..', 'test', 'fixtures', 'config-dump.json'), 'utf8'),
);

describe(Reconciler.name, () => {
  let dir: string;
  let runtime: InMemoryRuntime;
  let admin: FakeAdmin;
  let reports: { proxyId: string; report: LifecycleReport }[];
  let now: number;
  let reconciler: Reconciler;

  const options: ReconcilerOptions = {
    image: IMAGE,
    command: [],
    adminPortBase: 20000,
    drainTimeMs: 5,
    stopGraceSeconds: 1,
    memoryBytes: 64 * 1024 * 1024,
    nanoCpus: 500_000_000,
    readyTimeoutMs: 1000,
    readyPollMs: 5,
    backoffInitialMs: 1000,
    backoffMaxMs: 8000,
    stableAfterMs: 30_000,
    isPortFree: async () => true,
  };
  const statesOf = (proxyId: string) =>
    reports.filter((r) => r.proxyId === proxyId).map((r) => r.report.state);
  const settle = () => new Promise((done) => setTimeout(done, 30));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reconciler-'));
    runtime = new InMemoryRuntime();
    runtime.images.add(IMAGE);
    admin = new FakeAdmin();
    reports = [];
    now = 1_000_000;
    const reporter = new LifecycleReporter(async (proxyId, report) => {
      reports.push({ proxyId, report });
    });
    reconciler = new Reconciler(
      runtime,
      admin,
      reporter,
      new AssignmentCache(dir),
      options,
      undefined,
      () => now,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and starts each assigned proxy with its labels, limits, own admin port and bootstrap', async () => {
    admin.up.add(20000).add(20002);
    await reconciler.reconcile(assignments(proxy('p-1', 'edge-1'), proxy('p-2', 'edge-2')));
    await settle();

    const containers = [...runtime.containers.values()];
    expect(containers.map((c) => [c.labels[LABELS.nodeId], c.labels[LABELS.adminPort], c.running])).toEqual([
      ['edge-1', '20000', true],
      ['edge-2', '20002', true],
    ]);
    expect(containers[0].spec).toMatchObject({
      image: IMAGE,
      memoryBytes: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
    });
    expect(containers[0].labels).toMatchObject({ [LABELS.vmId]: 'vm-1', [LABELS.tenantId]: 't-1' });
    const mounted = JSON.parse(readFileSync(containers[0].spec.bootstrapPath, 'utf8'));
    expect(mounted).toEqual({
      node: { id: 'edge-1' },
      admin: { address: { socket_address: { address: '127.0.0.1', port_value: 20000 } } },
    });
    expect(statesOf('p-1')).toEqual(['starting', 'running']);
  });

  it('leaves running proxies alone on later passes', async () => {
    admin.up.add(20000);
    const desired = assignments(proxy('p-1', 'edge-1'));
    await reconciler.reconcile(desired);
    await settle();
    await reconciler.reconcile(desired);
    await settle();
    expect([...runtime.containers.values()].map((c) => c.starts)).toEqual([1]);
    expect(statesOf('p-1')).toEqual(['starting', 'running']);
  });

  it('restarts a crashed proxy after a backoff that doubles per crash in a row, reporting each crash', async () => {
    admin.up.add(20000);
    const desired = assignments(proxy('p-1', 'edge-1'));
    await reconciler.reconcile(desired);
    await settle();
    const [container] = runtime.containers.values();

    runtime.crash(container.id, 139);
    expect(await reconciler.reconcile(desired)).toEqual({ nextAt: now + 1000 });
    expect(container.running).toBe(false);
    now += 1000;
    await reconciler.reconcile(desired);
    await settle();
    expect(container.running).toBe(true);

    runtime.crash(container.id, 139);
    expect(await reconciler.reconcile(desired)).toEqual({ nextAt: now + 2000 });
    const crashes = reports.filter((r) => r.report.state === 'crashed').map((r) => r.report);
    expect(crashes).toEqual([
      { state: 'crashed', detail: 'exited with code 139; restarting in 1000 ms', restartCount: 1 },
      { state: 'crashed', detail: 'exited with code 139; restarting in 2000 ms', restartCount: 2 },
    ]);
  });

  it('drains an unassigned proxy (health checks fail, then stop) and removes it', async () => {
    admin.up.add(20000).add(20002);
    await reconciler.reconcile(assignments(proxy('p-1', 'edge-1'), proxy('p-2', 'edge-2')));
    await settle();
    const removed = [...runtime.containers.values()].find((c) => c.labels[LABELS.proxyId] === 'p-2');

    await reconciler.reconcile(assignments(proxy('p-1', 'edge-1')));
    expect(admin.failed).toEqual([20002]);
    expect(removed?.stops).toBe(1);
    expect([...runtime.containers.values()].map((c) => c.labels[LABELS.proxyId])).toEqual(['p-1']);
    expect(statesOf('p-2')).toEqual(['starting', 'running', 'draining', 'stopped']);
    expect(reports.some((r) => r.report.state === 'crashed')).toBe(false);
  });

  it('replaces a container whose bootstrap changed, keeping its admin port', async () => {
    admin.up.add(20000);
    await reconciler.reconcile(assignments(proxy('p-1', 'edge-1')));
    await settle();
    const rotated = { ...proxy('p-1', 'edge-1'), bootstrap: { node: { id: 'edge-1' }, token: 'new' } };
    await reconciler.reconcile(assignments(rotated));
    await settle();
    const containers = [...runtime.containers.values()];
    expect(containers).toHaveLength(1);
    expect(containers[0].labels[LABELS.adminPort]).toBe('20000');
    expect(JSON.parse(readFileSync(containers[0].spec.bootstrapPath, 'utf8')).token).toBe('new');
  });

  it('starts exited containers it finds after a restart of the agent without calling them crashes', async () => {
    admin.up.add(20000);
    const desired = assignments(proxy('p-1', 'edge-1'));
    await reconciler.reconcile(desired);
    await settle();
    const [container] = runtime.containers.values();
    await runtime.stop(container.id);

    const reporter = new LifecycleReporter(async (proxyId, report) => {
      reports.push({ proxyId, report });
    });
    const restarted = new Reconciler(
      runtime,
      admin,
      reporter,
      new AssignmentCache(dir),
      options,
      undefined,
      () => now,
    );
    await restarted.reconcile(desired);
    await settle();
    expect(container.running).toBe(true);
    expect(reports.some((r) => r.report.state === 'crashed')).toBe(false);
  });

  it('creates nothing while the image is neither local nor pullable, and tells why', async () => {
    runtime.images.clear();
    const logged: string[] = [];
    const reporter = new LifecycleReporter(async () => undefined);
    const logging = new Reconciler(runtime, admin, reporter, new AssignmentCache(dir), options, (m) =>
      logged.push(m),
    );
    await logging.reconcile(assignments(proxy('p-1', 'edge-1')));
    expect(runtime.containers.size).toBe(0);
    expect(logged).toEqual([expect.stringMatching(/edge-1: Error: pulling stand-in:test failed/)]);
  });

  it('reports a proxy whose container does not start as crashed, and still starts the others', async () => {
    admin.up.add(20002);
    const start = runtime.start.bind(runtime);
    runtime.start = async (id) => {
      if (runtime.containers.get(id)?.labels[LABELS.proxyId] === 'p-1')
        throw new Error('exec: "envoy": not found');
      return start(id);
    };
    const result = await reconciler.reconcile(assignments(proxy('p-1', 'edge-1'), proxy('p-2', 'edge-2')));
    await settle();
    expect(result).toEqual({ nextAt: now + 1000 });
    expect(reports.find((r) => r.proxyId === 'p-1')?.report).toEqual({
      state: 'crashed',
      detail: 'did not start: exec: "envoy": not found; restarting in 1000 ms',
      restartCount: 1,
    });
    expect(statesOf('p-2')).toEqual(['starting', 'running']);
  });

  describe('without the control plane', () => {
    const adsProxy: AssignedProxy = {
      ...proxy('p-1', 'edge-1'),
      bootstrap: { node: { id: 'edge-1' }, dynamic_resources: { ads_config: { api_type: 'GRPC' } } },
    };
    const desired = assignments(adsProxy);
    const down = { controlPlaneReachable: false };
    const mounted = (container: { spec: { bootstrapPath: string } }) =>
      JSON.parse(readFileSync(container.spec.bootstrapPath, 'utf8'));
    const restartedAgent = () =>
      new Reconciler(runtime, admin, reporter(), new AssignmentCache(dir), options, undefined, () => now);
    const reporter = () =>
      new LifecycleReporter(async (proxyId, report) => {
        reports.push({ proxyId, report });
      });

    it('keeps what a running proxy accepted, and only a dump that has something', async () => {
      admin.up.add(20000);
      admin.dumps.set(20000, DUMP);
      await reconciler.reconcile(desired);
      await settle();
      const kept = await new AssignmentCache(dir).loadAcceptedConfig('p-1');
      expect(kept?.listeners.map((l) => l['name'])).toEqual(['http', 'https']);

      admin.dumps.set(20000, { configs: [] });
      await reconciler.captureAcceptedConfigs();
      expect((await new AssignmentCache(dir).loadAcceptedConfig('p-1'))?.listeners).toHaveLength(2);
    });

    it('starts a stopped proxy from its last good config, then hands it back to ADS when the control plane answers', async () => {
      admin.up.add(20000);
      admin.dumps.set(20000, DUMP);
      await reconciler.reconcile(desired);
      await settle();
      const [first] = runtime.containers.values();
      await runtime.stop(first.id);

      // A VM reboot with the control plane down: the agent starts afresh, from its cache.
      const agent = restartedAgent();
      await agent.reconcile(desired, down);
      await settle();
      const [lastGood] = runtime.containers.values();
      expect(runtime.containers.size).toBe(1);
      expect(lastGood.running).toBe(true);
      expect(lastGood.labels[LABELS.configSource]).toBe('last-good');
      expect(lastGood.labels[LABELS.adminPort]).toBe('20000');
      const bootstrap = mounted(lastGood);
      expect(bootstrap).not.toHaveProperty('dynamic_resources');
      expect(bootstrap.admin.address.socket_address.port_value).toBe(20000);
      expect(bootstrap.static_resources.listeners.map((l: { name: string }) => l.name)).toEqual(['http']);
      const serving = 'serving its last good config: the control plane is unreachable';
      expect(reports.slice(-2).map((r) => r.report)).toEqual([
        { state: 'starting', detail: serving, restartCount: 0 },
        { state: 'running', detail: serving, restartCount: 0 },
      ]);
      // Still down: the proxy on its last good config is left alone, and its dump is not kept.
      admin.dumps.set(20000, { configs: [] });
      await agent.reconcile(desired, down);
      await agent.captureAcceptedConfigs();
      expect(lastGood.starts).toBe(1);
      expect((await new AssignmentCache(dir).loadAcceptedConfig('p-1'))?.listeners).toHaveLength(2);

      await agent.reconcile(desired);
      await settle();
      const [handedBack] = runtime.containers.values();
      expect(runtime.containers.size).toBe(1);
      expect(admin.failed).toEqual([20000]);
      expect(lastGood.stops).toBe(1);
      expect(handedBack.labels[LABELS.configSource]).toBe('ads');
      expect(mounted(handedBack)).toHaveProperty('dynamic_resources');
      const handed = 'handed back to xds-server after running from its last good config';
      expect(reports.slice(-3).map((r) => r.report)).toEqual([
        { state: 'draining', restartCount: 0 },
        { state: 'starting', detail: handed, restartCount: 0 },
        { state: 'running', detail: handed, restartCount: 0 },
      ]);
    });

    it('restarts a proxy that crashed while the control plane is down from its last good config', async () => {
      admin.up.add(20000);
      admin.dumps.set(20000, DUMP);
      await reconciler.reconcile(desired);
      await settle();
      const [crashed] = runtime.containers.values();
      runtime.crash(crashed.id);
      expect(await reconciler.reconcile(desired, down)).toEqual({ nextAt: now + 1000 });
      now += 1000;
      await reconciler.reconcile(desired, down);
      await settle();
      const [restarted] = runtime.containers.values();
      expect(runtime.containers.size).toBe(1);
      expect(restarted.labels[LABELS.configSource]).toBe('last-good');
      expect(reports.at(-1)?.report).toMatchObject({ state: 'running', restartCount: 1 });
    });

    it('starts on ADS when nothing was kept, and leaves a running proxy alone', async () => {
      admin.up.add(20000);
      await reconciler.reconcile(desired, down);
      await settle();
      const [container] = runtime.containers.values();
      expect(container.labels[LABELS.configSource]).toBe('ads');
      expect(mounted(container)).toHaveProperty('dynamic_resources');

      admin.dumps.set(20000, DUMP);
      await reconciler.captureAcceptedConfigs();
      await restartedAgent().reconcile(desired, down);
      await settle();
      expect([...runtime.containers.values()]).toEqual([container]);
      expect(container.starts).toBe(1);
    });
  });
});

import type { AgentAssignments, AssignedProxy } from '@envoy-fleet/domain';
import { createHash } from 'node:crypto';
import type { AssignmentCache } from './assignment-cache';
import { acceptedConfigOf, isEmpty, lastGoodBootstrap } from './last-good-bootstrap';
import type { LifecycleReport, LifecycleReporter } from './lifecycle-reporter';
import type { ProxyAdmin } from './proxy-admin';
import { ContainerRuntime, LABELS, MANAGED_BY, ProxyContainer } from './runtime/container-runtime';

/** How the reconciler runs proxies. */
export interface ReconcilerOptions {
  image: string;
  /** Empty: the image's own command. */
  command: string[];
  adminPortBase: number;
  drainTimeMs: number;
  stopGraceSeconds: number;
  memoryBytes: number;
  nanoCpus: number;
  /** How long a started proxy has to answer `/ready` before it is reported as still starting. */
  readyTimeoutMs: number;
  readyPollMs: number;
  /** Crash restarts wait backoffInitialMs, doubling per crash in a row, up to backoffMaxMs. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** A proxy up this long is stable again: its next crash restarts after backoffInitialMs. */
  stableAfterMs: number;
  /** Whether nothing listens on a host port (host networking: admin ports must be free). */
  isPortFree: (port: number) => Promise<boolean>;
}

/** What the agent remembers of a proxy between passes. */
interface ProxyState {
  restartCount: number;
  crashesInARow: number;
  /** The agent started the container and has not stopped it: an exit is a crash. */
  expectRunning: boolean;
  startedAt: number;
  nextStartAt: number;
  ready: boolean;
  port: number;
  /** Where the running container's config comes from: xds-server, or the cached last good one. */
  source: ConfigSource;
  /** Said with the `starting` and `running` reports of the current container. */
  detail?: string;
  /** The accepted config last written to the cache, to write only changes. */
  savedConfig?: string;
}

/** `ads`: the normal bootstrap, config from xds-server; `last-good`: the cached config, static. */
export type ConfigSource = 'ads' | 'last-good';

/** What the reconciler knows of the world beyond the engine. */
export interface ReconcileContext {
  /** The API answers; when false, proxies that must start do so from their last good config. */
  controlPlaneReachable: boolean;
}

/** The result of one pass: when to pass again for a restart waiting out its backoff. */
export interface ReconcileResult {
  nextAt?: number;
}

/**
 * Makes the engine run exactly the assigned proxies: creates and starts what is missing, restarts
 * crashed ones with backoff, replaces those whose bootstrap changed, and drains then removes what
 * is no longer assigned. One pass at a time (the caller serializes); reports each state change.
 */
export class Reconciler {
  private readonly states = new Map<string, ProxyState>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly admin: ProxyAdmin,
    private readonly reporter: LifecycleReporter,
    private readonly cache: AssignmentCache,
    private readonly options: ReconcilerOptions,
    private readonly log: (message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async reconcile(
    assignments: AgentAssignments,
    context: ReconcileContext = { controlPlaneReachable: true },
  ): Promise<ReconcileResult> {
    const vmId = assignments.vm.id;
    const containers = await this.runtime.list({ [LABELS.managedBy]: MANAGED_BY, [LABELS.vmId]: vmId });
    const desired = new Map(assignments.proxies.map((proxy) => [proxy.id, proxy]));
    const current = new Map<string, ProxyContainer>();
    const retiring: ProxyContainer[] = [];
    for (const container of containers) {
      const proxyId = container.labels[LABELS.proxyId] ?? '';
      if (desired.has(proxyId) && !current.has(proxyId)) current.set(proxyId, container);
      else retiring.push(container);
    }
    await Promise.all(retiring.map((container) => this.retire(container, true)));

    const usedPorts = new Set([...current.values()].map((container) => adminPortOf(container)));
    let nextAt: number | undefined;
    const failures: string[] = [];
    for (const proxy of desired.values()) {
      // One proxy failing (its image, its start) must not keep the others from converging.
      const existing = current.get(proxy.id);
      const due = await this.converge(assignments, proxy, existing, usedPorts, context).catch(
        (error: unknown) => {
          failures.push(`${proxy.nodeId}: ${String(error)}`);
          return this.states.get(proxy.id)?.nextStartAt;
        },
      );
      if (due !== undefined && due > this.now()) nextAt = Math.min(nextAt ?? due, due);
    }
    if (failures.length > 0) this.log(`not converged: ${failures.join('; ')}`);
    return nextAt === undefined ? {} : { nextAt };
  }

  /** Brings one assigned proxy to running; returns when to come back if it waits out a backoff. */
  private async converge(
    assignments: AgentAssignments,
    proxy: AssignedProxy,
    existing: ProxyContainer | undefined,
    usedPorts: Set<number>,
    context: ReconcileContext,
  ): Promise<number | undefined> {
    const port = existing ? adminPortOf(existing) : await this.allocatePort(usedPorts);
    usedPorts.add(port);
    const bootstrap = withAdminPort(proxy.bootstrap, port);
    const hash = createHash('sha256').update(JSON.stringify(bootstrap)).digest('hex').slice(0, 16);
    const state = this.stateOf(proxy);
    let container = existing;
    if (container && container.labels[LABELS.bootstrapHash] !== hash) {
      this.log(`${proxy.nodeId}: bootstrap changed, replacing its container`);
      await this.retire(container, false);
      container = undefined;
    }
    if (container && sourceOf(container) === 'last-good' && context.controlPlaneReachable) {
      // Static listeners cannot be replaced over LDS: handing back means a new container on ADS
      // (a stopped one is replaced below, once its crash, if it was one, is counted).
      state.detail = 'handed back to xds-server after running from its last good config';
      if (container.running) {
        this.log(`${proxy.nodeId}: control plane back, handing the proxy back to xds-server`);
        await this.retire(container, false);
        container = undefined;
      }
    }
    if (container?.running) {
      this.adopt(proxy, state, port, sourceOf(container));
      return undefined;
    }
    if (container && state.expectRunning) {
      this.recordCrash(proxy, state, `exited with code ${container.exitCode ?? 'unknown'}`);
    }
    if (this.now() < state.nextStartAt) return state.nextStartAt;
    const bootstrapPath = await this.cache.writeBootstrap(proxy.id, bootstrap);
    let source: ConfigSource = 'ads';
    let mountPath = bootstrapPath;
    if (!context.controlPlaneReachable) {
      const lastGood = await this.lastGoodBootstrapPath(proxy, bootstrap);
      if (lastGood) {
        source = 'last-good';
        mountPath = lastGood;
        state.detail = 'serving its last good config: the control plane is unreachable';
      }
    }
    if (container && sourceOf(container) !== source) {
      await this.runtime.remove(container.id);
      container = undefined;
    }
    const id = container?.id ?? (await this.create(assignments, proxy, port, hash, mountPath, source));
    try {
      await this.runtime.start(id);
    } catch (error) {
      this.recordCrash(
        proxy,
        state,
        `did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
      return state.nextStartAt;
    }
    state.expectRunning = true;
    state.ready = false;
    state.startedAt = this.now();
    state.port = port;
    state.source = source;
    await this.reporter.report(proxy.id, this.reportOf(state, 'starting'));
    void this.watchReady(proxy, state, port);
    return undefined;
  }

  /**
   * Writes the bootstrap that serves the proxy's last accepted config without xds-server; undefined
   * when nothing was cached (the proxy then starts on ADS and waits for the control plane).
   */
  private async lastGoodBootstrapPath(
    proxy: AssignedProxy,
    bootstrap: Record<string, unknown>,
  ): Promise<string | undefined> {
    const accepted = await this.cache.loadAcceptedConfig(proxy.id);
    if (!accepted || isEmpty(accepted)) return undefined;
    const built = lastGoodBootstrap(bootstrap, accepted);
    for (const reason of built.skipped) this.log(`${proxy.nodeId}: last good config without ${reason}`);
    return this.cache.writeLastGoodBootstrap(proxy.id, built.bootstrap);
  }

  /**
   * Keeps what each running ADS proxy has accepted (its active resources in `/config_dump`) in the
   * cache. A dump with no clusters and no listeners (a proxy that has not heard from xds-server yet)
   * does not replace what was kept; proxies on their last good config have nothing new to keep.
   */
  async captureAcceptedConfigs(): Promise<void> {
    await Promise.all(
      [...this.states.entries()].map(([proxyId, state]) => this.captureAcceptedConfig(proxyId, state)),
    );
  }

  private async captureAcceptedConfig(proxyId: string, state: ProxyState): Promise<void> {
    if (!state.ready || !state.expectRunning || state.source !== 'ads') return;
    try {
      const accepted = acceptedConfigOf(await this.admin.configDump(state.port));
      const serialized = JSON.stringify(accepted);
      if (isEmpty(accepted) || serialized === state.savedConfig) return;
      await this.cache.saveAcceptedConfig(proxyId, accepted);
      state.savedConfig = serialized;
    } catch (error) {
      this.log(`${proxyId}: config dump not kept: ${String(error)}`);
    }
  }

  private reportOf(state: ProxyState, lifecycle: 'starting' | 'running'): LifecycleReport {
    return {
      state: lifecycle,
      restartCount: state.restartCount,
      ...(state.detail ? { detail: state.detail } : {}),
    };
  }

  private async create(
    assignments: AgentAssignments,
    proxy: AssignedProxy,
    port: number,
    hash: string,
    bootstrapPath: string,
    source: ConfigSource,
  ): Promise<string> {
    await this.runtime.ensureImage(this.options.image);
    return this.runtime.create({
      name: `envoy-fleet-${proxy.nodeId.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${proxy.id.slice(0, 8)}`,
      image: this.options.image,
      command: this.options.command,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.vmId]: assignments.vm.id,
        [LABELS.tenantId]: assignments.vm.tenantId,
        [LABELS.proxyId]: proxy.id,
        [LABELS.nodeId]: proxy.nodeId,
        [LABELS.bootstrapHash]: hash,
        [LABELS.adminPort]: String(port),
        [LABELS.configSource]: source,
      },
      bootstrapPath,
      memoryBytes: this.options.memoryBytes,
      nanoCpus: this.options.nanoCpus,
      ports: [port, port + 1],
    });
  }

  /** A running container: one the agent started, or found running after the agent restarted. */
  private adopt(proxy: AssignedProxy, state: ProxyState, port: number, source: ConfigSource): void {
    if (!state.expectRunning) {
      state.expectRunning = true;
      state.startedAt = this.now();
      state.port = port;
      state.source = source;
      void this.watchReady(proxy, state, port);
    } else if (state.crashesInARow > 0 && this.now() - state.startedAt >= this.options.stableAfterMs) {
      state.crashesInARow = 0;
    }
  }

  private recordCrash(proxy: AssignedProxy, state: ProxyState, reason: string): void {
    state.expectRunning = false;
    state.ready = false;
    state.crashesInARow += 1;
    state.restartCount += 1;
    const delay = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffInitialMs * 2 ** (state.crashesInARow - 1),
    );
    state.nextStartAt = this.now() + delay;
    const detail = `${reason}; restarting in ${delay} ms`.slice(0, 1000);
    this.log(`${proxy.nodeId}: ${detail}`);
    void this.reporter.report(proxy.id, { state: 'crashed', detail, restartCount: state.restartCount });
  }

  /** Reports `running` once the admin `/ready` answers (only while the agent still expects it up). */
  private async watchReady(proxy: AssignedProxy, state: ProxyState, port: number): Promise<void> {
    const startedAt = state.startedAt;
    const deadline = this.now() + this.options.readyTimeoutMs;
    while (state.expectRunning && state.startedAt === startedAt) {
      if (await this.admin.ready(port)) {
        if (!state.expectRunning || state.startedAt !== startedAt) return;
        state.ready = true;
        await this.reporter.report(proxy.id, this.reportOf(state, 'running'));
        // A hand-back is said once; later restarts of the ADS container are ordinary.
        if (state.source === 'ads') delete state.detail;
        void this.captureAcceptedConfig(proxy.id, state);
        return;
      }
      if (this.now() > deadline) {
        const detail = `admin /ready on port ${port} did not answer within ${this.options.readyTimeoutMs} ms`;
        await this.reporter.report(proxy.id, { state: 'starting', detail, restartCount: state.restartCount });
        return;
      }
      await new Promise((done) => setTimeout(done, this.options.readyPollMs));
    }
  }

  /**
   * Drains a running proxy (health checks fail, load balancers move traffic away for drainTimeMs),
   * stops it with a grace period, and removes the container. `final`: the proxy is no longer
   * assigned here (reported `stopped`, its bootstrap file deleted); else it is being replaced.
   */
  private async retire(container: ProxyContainer, final: boolean): Promise<void> {
    const proxyId = container.labels[LABELS.proxyId];
    const state = proxyId ? this.states.get(proxyId) : undefined;
    const restartCount = state?.restartCount ?? 0;
    if (container.running) {
      const port = adminPortOf(container);
      if (proxyId) await this.reporter.report(proxyId, { state: 'draining', restartCount });
      await this.admin
        .failHealthChecks(port)
        .catch((error: unknown) => this.log(`${container.name}: /healthcheck/fail: ${String(error)}`));
      await new Promise((done) => setTimeout(done, this.options.drainTimeMs));
      if (state) state.expectRunning = false;
      await this.runtime.stop(container.id, this.options.stopGraceSeconds);
    }
    await this.runtime.remove(container.id);
    if (!proxyId || !final) return;
    this.states.delete(proxyId);
    await this.cache.removeBootstrap(proxyId);
    await this.reporter.report(proxyId, { state: 'stopped', restartCount });
  }

  private stateOf(proxy: AssignedProxy): ProxyState {
    let state = this.states.get(proxy.id);
    if (!state) {
      state = {
        restartCount: proxy.restartCount ?? 0,
        crashesInARow: 0,
        expectRunning: false,
        startedAt: 0,
        nextStartAt: 0,
        ready: false,
        port: 0,
        source: 'ads',
      };
      this.states.set(proxy.id, state);
    }
    return state;
  }

  private async allocatePort(used: Set<number>): Promise<number> {
    for (let port = this.options.adminPortBase; port < 65534; port += 2) {
      if (used.has(port)) continue;
      if ((await this.options.isPortFree(port)) && (await this.options.isPortFree(port + 1))) return port;
    }
    throw new Error(`no free admin port from ${this.options.adminPortBase}`);
  }
}

function sourceOf(container: ProxyContainer): ConfigSource {
  return container.labels[LABELS.configSource] === 'last-good' ? 'last-good' : 'ads';
}

function adminPortOf(container: ProxyContainer): number {
  return Number(container.labels[LABELS.adminPort]);
}

/** The bootstrap with its admin listener on `port` of loopback (each proxy on the VM has its own). */
export function withAdminPort(bootstrap: Record<string, unknown>, port: number): Record<string, unknown> {
  return { ...bootstrap, admin: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } };
}

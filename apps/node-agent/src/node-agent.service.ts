import type { AgentAssignments } from '@envoy-fleet/domain';
import {
  AgentSubjects,
  EVENT_BUS,
  type EventBus,
  Subjects,
  type Subscription,
  type VmAssignmentsEvent,
} from '@envoy-fleet/messaging';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { createServer } from 'node:net';
import { cpus, hostname, totalmem } from 'node:os';
import { AgentConfig } from './agent-config';
import { AssignmentCache } from './assignment-cache';
import { ControlPlaneClient } from './control-plane-client';
import { LifecycleReporter } from './lifecycle-reporter';
import { HttpProxyAdmin } from './proxy-admin';
import { Reconciler } from './reconciler';
import { DockerRuntime } from './runtime/docker-runtime';
import { LABELS, MANAGED_BY } from './runtime/container-runtime';

/** Reported at registration. */
export const AGENT_VERSION = '0.1.0';

/**
 * The agent's loop: learn the VM's proxies from the API (at registration, on NATS pushes, and by a
 * periodic full resync), keep them in the on-disk cache, and reconcile the engine against them on
 * every change, every `die` event and every poll. It keeps what each proxy has accepted from
 * xds-server. Without the control plane it goes on from the cache: running proxies are left alone;
 * proxies that must start (after a crash, or a VM reboot) start from their last good config, and
 * are handed back to xds-server when the control plane answers again.
 */
@Injectable()
export class NodeAgentService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NodeAgentService.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private runtime?: DockerRuntime;
  private client?: ControlPlaneClient;
  private reporter?: LifecycleReporter;
  private reconciler?: Reconciler;
  private cache?: AssignmentCache;
  private desired?: AgentAssignments;
  private connected = false;
  private registered = false;
  private started = false;
  private stopping = false;
  private passing: Promise<void> = Promise.resolve();
  private passQueued = false;
  private backoffTimer?: NodeJS.Timeout;
  private subscribedTenant?: string;

  constructor(
    private readonly config: AgentConfig,
    @Optional() @Inject(EVENT_BUS) private readonly bus?: EventBus,
  ) {}

  /** True once the agent runs its proxies from the API's word or from the cache. */
  get supervising(): boolean {
    return this.started;
  }

  /** The engine answers (for readiness). */
  async pingEngine(): Promise<void> {
    await this.runtime?.ping();
  }

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    if (!config.AGENT_TOKEN) {
      this.logger.warn('AGENT_TOKEN is not set: this agent supervises no proxies');
      return;
    }
    if (!config.DOCKER_HOST) throw new Error('DOCKER_HOST is required when AGENT_TOKEN is set');
    this.runtime = new DockerRuntime(config.DOCKER_HOST);
    this.client = new ControlPlaneClient(config.API_URL, config.AGENT_TOKEN);
    this.cache = new AssignmentCache(config.AGENT_STATE_DIR);
    const client = this.client;
    this.reporter = new LifecycleReporter(
      (proxyId, report) => client.reportLifecycle(proxyId, report),
      (message) => this.logger.debug(message),
    );
    this.reconciler = new Reconciler(
      this.runtime,
      new HttpProxyAdmin(),
      this.reporter,
      this.cache,
      {
        image: config.PROXY_IMAGE,
        command: config.PROXY_COMMAND.split(/\s+/).filter(Boolean),
        adminPortBase: config.ADMIN_PORT_BASE,
        drainTimeMs: config.DRAIN_TIME_MS,
        stopGraceSeconds: config.STOP_GRACE_SECONDS,
        memoryBytes: config.PROXY_MEMORY_BYTES,
        nanoCpus: config.PROXY_MILLICPUS * 1_000_000,
        readyTimeoutMs: 30_000,
        readyPollMs: 200,
        backoffInitialMs: 1000,
        backoffMaxMs: 30_000,
        stableAfterMs: 30_000,
        isPortFree,
      },
      (message) => this.logger.log(message),
    );
    await this.runtime.ping();
    this.desired = await this.cache.load();
    if (this.desired)
      this.logger.log(`cache: ${this.desired.proxies.length} proxies assigned when last synced`);
    await this.sync();
    const unwatch = await this.runtime.watchDeaths({ [LABELS.managedBy]: MANAGED_BY }, () => this.kick());
    this.cleanups.push(unwatch);
    this.every(config.HEARTBEAT_INTERVAL_MS, () => this.heartbeat());
    this.every(config.RESYNC_INTERVAL_MS, () => this.sync());
    this.every(config.POLL_INTERVAL_MS, async () => this.kick());
    this.every(config.CONFIG_CAPTURE_INTERVAL_MS, async () => this.reconciler?.captureAcceptedConfigs());
    this.started = true;
    await this.kick();
  }

  /** Stops supervising; the proxies keep running (they are the VM's, not the agent process's). */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.backoffTimer);
    for (const cleanup of this.cleanups) await cleanup();
    await this.passing;
  }

  /** Fetches the full assignments (registering first after a start or an outage) and reconciles. */
  async sync(): Promise<void> {
    const client = this.client;
    if (!client || !this.cache) return;
    try {
      const assignments = this.registered
        ? await client.assignments()
        : await client.register({
            hostname: hostname(),
            agentVersion: AGENT_VERSION,
            capacity: { cpus: cpus().length, memoryBytes: totalmem() },
          });
      if (!this.connected) this.logger.log('control plane reached: following its assignments');
      this.registered = true;
      this.connected = true;
      this.desired = assignments;
      await this.cache.save(assignments);
      await this.subscribe(assignments.vm.tenantId);
      await this.reporter?.flush();
    } catch (error) {
      if (this.connected || !this.registered) {
        this.logger.warn(`control plane unreachable, proxies keep running from the cache: ${String(error)}`);
      }
      this.connected = false;
      this.registered = false;
    }
    await this.kick();
  }

  private async heartbeat(): Promise<void> {
    if (!this.registered) return this.sync();
    try {
      await this.client?.heartbeat();
      await this.reporter?.flush();
    } catch (error) {
      if (this.connected) this.logger.warn(`heartbeat failed: ${String(error)}`);
      this.connected = false;
      this.registered = false;
    }
  }

  /** Runs a reconcile pass after the current one; passes asked for meanwhile fold into one. */
  kick(): Promise<void> {
    if (this.passQueued || this.stopping) return this.passing;
    this.passQueued = true;
    this.passing = this.passing.then(async () => {
      this.passQueued = false;
      const desired = this.desired;
      if (!desired || !this.reconciler || this.stopping) return;
      try {
        const { nextAt } = await this.reconciler.reconcile(desired, {
          controlPlaneReachable: this.connected,
        });
        if (nextAt !== undefined) {
          clearTimeout(this.backoffTimer);
          this.backoffTimer = setTimeout(() => void this.kick(), Math.max(0, nextAt - Date.now()));
        }
      } catch (error) {
        this.logger.error(`reconcile failed: ${String(error)}`);
      }
    });
    return this.passing;
  }

  /** Pushed changes of the tenant's assignments and proxies, each answered with a full resync. */
  private async subscribe(tenantId: string): Promise<void> {
    if (!this.bus || this.subscribedTenant === tenantId) return;
    this.subscribedTenant = tenantId;
    const vmId = this.desired?.vm.id;
    const subjects = [
      AgentSubjects.vmAssignments(tenantId),
      Subjects.proxyRegistered(tenantId),
      Subjects.proxyRemoved(tenantId),
      Subjects.proxyTokenRotated(tenantId),
    ];
    for (const subject of subjects) {
      const subscription: Subscription = await this.bus.subscribe<Partial<VmAssignmentsEvent>>(
        { subject },
        async ({ payload }) => {
          if (payload.vmIds && vmId && !payload.vmIds.includes(vmId)) return;
          void this.sync();
        },
      );
      this.cleanups.push(() => subscription.close());
    }
  }

  private every(intervalMs: number, work: () => Promise<void>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) => this.logger.error(String(error)));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}

/** Nothing listens on 127.0.0.1:`port`. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

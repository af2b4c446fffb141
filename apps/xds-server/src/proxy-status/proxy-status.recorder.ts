import {
  Database,
  Json,
  OutboxRepository,
  ProxyRepository,
  ProxyStatusRepository,
} from '@envoy-fleet/data-access';
import { ConfigRejection, ProxyTypeStatus, ResourceType, SyncState } from '@envoy-fleet/domain';
import { ConfigRejectedEvent, OutboxRelayService, ProxyStatusEvent, Subjects } from '@envoy-fleet/messaging';
import { Injectable, Logger } from '@nestjs/common';

/** What a proxy last did with one resource type. */
export interface StatusChange {
  tenantId: string;
  proxyId: string;
  nodeId: string;
  type: ResourceType;
  state: SyncState;
  sentVersion: string;
  ackedVersion: string;
  sentResources: Record<string, string>;
  ackedResources: Record<string, string>;
  errorDetail?: string;
  /** For a NACK: the API objects behind the rejected resources. */
  rejection?: ConfigRejection;
}

/** What one flush writes for one tenant. */
interface TenantBatch {
  /** The latest status per proxy and type: intermediate states are overwritten. */
  statuses: Map<string, StatusChange>;
  /** Every status event, in the order the changes happened. */
  events: { subject: string; payload: Json }[];
  connected: Map<string, { connected: boolean; at: Date }>;
}

/** How long changes gather before they are written, and how many force an early write. */
const FLUSH_INTERVAL_MS = 100;
const FLUSH_AT_CHANGES = 5000;

/**
 * Records per-proxy, per-type sync state and publishes it as `fleet.proxy.status` (and a NACK as
 * `fleet.config.rejected`). Changes are gathered for a moment and written per tenant in one
 * transaction with their events: a push to 10,000 proxies is a few transactions, not 20,000.
 */
@Injectable()
export class ProxyStatusRecorder {
  private readonly logger = new Logger(ProxyStatusRecorder.name);
  private batches = new Map<string, TenantBatch>();
  private changes = 0;
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly statuses: ProxyStatusRepository,
    private readonly proxies: ProxyRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  /** The statuses stored for a proxy, e.g. to know what it acknowledged before it reconnected. */
  load(tenantId: string, proxyId: string): Promise<ProxyTypeStatus[]> {
    return this.db.forTenant(tenantId, (tx) => this.statuses.listForProxy(tx, proxyId));
  }

  record(change: StatusChange): void {
    const batch = this.batchOf(change.tenantId);
    batch.statuses.set(`${change.proxyId}/${change.type}`, change);
    const { tenantId, proxyId, nodeId } = change;
    const occurredAt = new Date().toISOString();
    const event: ProxyStatusEvent = {
      tenantId,
      proxyId,
      nodeId,
      type: change.type,
      state: change.state,
      version: change.sentVersion,
      ...(change.errorDetail !== undefined ? { errorDetail: change.errorDetail } : {}),
      occurredAt,
    };
    batch.events.push({ subject: Subjects.proxyStatus(tenantId), payload: event as unknown as Json });
    if (change.rejection) {
      const rejected: ConfigRejectedEvent = {
        ...{ tenantId, proxyId, nodeId, type: change.type, version: change.sentVersion },
        rejection: change.rejection,
        errorDetail: change.errorDetail ?? '',
        occurredAt,
      };
      batch.events.push({ subject: Subjects.configRejected(tenantId), payload: rejected as unknown as Json });
    }
    this.changed();
  }

  connected(tenantId: string, proxyId: string, connected: boolean): void {
    this.batchOf(tenantId).connected.set(proxyId, { connected, at: new Date() });
    this.changed();
  }

  /** Writes everything gathered so far and resolves when it is written (shutdown, tests). */
  async flush(): Promise<void> {
    this.write();
    await this.writing;
  }

  private batchOf(tenantId: string): TenantBatch {
    let batch = this.batches.get(tenantId);
    if (!batch) {
      batch = { statuses: new Map(), events: [], connected: new Map() };
      this.batches.set(tenantId, batch);
    }
    return batch;
  }

  private changed(): void {
    this.changes += 1;
    if (this.changes >= FLUSH_AT_CHANGES) this.write();
    else this.timer ??= setTimeout(() => this.write(), FLUSH_INTERVAL_MS);
  }

  /** Takes what gathered and queues its write after the previous one, so writes stay in order. */
  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batches.size === 0) return;
    const batches = this.batches;
    this.batches = new Map();
    this.changes = 0;
    this.writing = this.writing.then(() => this.writeBatches(batches));
  }

  private async writeBatches(batches: Map<string, TenantBatch>): Promise<void> {
    for (const [tenantId, batch] of batches) {
      try {
        await this.db.forTenant(tenantId, async (tx) => {
          for (const [proxyId, { connected, at }] of batch.connected) {
            await this.proxies.markConnected(tx, proxyId, connected, at);
          }
          const rows = [...batch.statuses.values()].map(({ tenantId: _t, nodeId: _n, ...status }) => status);
          await this.statuses.upsertMany(tx, tenantId, rows);
          await this.outbox.addMany(tx, tenantId, batch.events);
        });
      } catch (error) {
        this.logger.warn(
          `tenant ${tenantId}: ${batch.statuses.size} proxy statuses not recorded: ${String(error)}`,
        );
      }
    }
    this.relay.kick();
  }
}

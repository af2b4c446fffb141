import {
  Database,
  Json,
  OutboxRepository,
  ProxyBatchRepository,
  ProxyConnection,
  ProxyStatusRepository,
} from '@envoy-fleet/data-access';
import { ConfigRejection, ResourceType, SyncState } from '@envoy-fleet/domain';
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
  /**
   * The status event of each proxy and type's latest change (a PENDING answered by an ACK within
   * the batch is one ACKED event: the state is what subscribers track), and every rejection, in
   * the order the changes happened.
   */
  events: Map<string, { subject: string; payload: Json }>;
  connected: ProxyConnection[];
  /** Failed writes of these changes so far. */
  tries?: number;
}

/** How long changes gather before they are written, and how many force an early write. */
const FLUSH_INTERVAL_MS = 100;
const FLUSH_AT_CHANGES = 5000;
/** A write of thousands of rows on a busy database takes longer than Prisma's default 5 s. */
const WRITE_LIMITS = { timeout: 30_000, maxWait: 10_000 };
const MAX_WRITE_TRIES = 3;

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
  private rejections = 0;
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly statuses: ProxyStatusRepository,
    private readonly proxies: ProxyBatchRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  record(change: StatusChange): void {
    const batch = this.batchOf(change.tenantId);
    const key = `${change.proxyId}/${change.type}`;
    batch.statuses.set(key, change);
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
    // Re-inserted, so that events keep the order of the latest changes.
    batch.events.delete(key);
    batch.events.set(key, { subject: Subjects.proxyStatus(tenantId), payload: event as unknown as Json });
    if (change.rejection) {
      const rejected: ConfigRejectedEvent = {
        ...{ tenantId, proxyId, nodeId, type: change.type, version: change.sentVersion },
        rejection: change.rejection,
        errorDetail: change.errorDetail ?? '',
        occurredAt,
      };
      batch.events.set(`${key}/rejected/${++this.rejections}`, {
        subject: Subjects.configRejected(tenantId),
        payload: rejected as unknown as Json,
      });
    }
    this.changed();
  }

  connected(tenantId: string, proxyId: string, connected: boolean): void {
    this.batchOf(tenantId).connected.push({ proxyId, connected, at: new Date() });
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
      batch = { statuses: new Map(), events: new Map(), connected: [] };
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
        await this.db.forTenant(
          tenantId,
          async (tx) => {
            await this.proxies.markConnectedMany(tx, batch.connected);
            const rows = [...batch.statuses.values()].map(
              ({ tenantId: _t, nodeId: _n, ...status }) => status,
            );
            await this.statuses.upsertMany(tx, tenantId, rows);
            await this.outbox.addMany(tx, tenantId, [...batch.events.values()]);
          },
          WRITE_LIMITS,
        );
      } catch (error) {
        this.retryLater(tenantId, batch, error);
      }
    }
    this.relay.kick();
  }

  /**
   * A write that failed (a busy database) goes back in front of what gathered since, so that the
   * next flush writes it; changes made since win over it. After MAX_WRITE_TRIES it is dropped.
   */
  private retryLater(tenantId: string, failed: TenantBatch, error: unknown): void {
    const tries = (failed.tries ?? 0) + 1;
    if (tries >= MAX_WRITE_TRIES) {
      this.logger.warn(
        `tenant ${tenantId}: ${failed.statuses.size} proxy statuses not recorded: ${String(error)}`,
      );
      return;
    }
    this.logger.warn(`tenant ${tenantId}: status write failed (try ${tries}), retried: ${String(error)}`);
    const newer = this.batches.get(tenantId);
    const merged: TenantBatch = {
      statuses: new Map([...failed.statuses, ...(newer?.statuses ?? [])]),
      events: new Map([...failed.events, ...(newer?.events ?? [])]),
      connected: [...failed.connected, ...(newer?.connected ?? [])],
      tries,
    };
    this.batches.set(tenantId, merged);
    this.changed();
  }
}

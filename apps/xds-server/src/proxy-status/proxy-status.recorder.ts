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
import { randomUUID } from 'node:crypto';

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

/**
 * Records per-proxy, per-type sync state and publishes it as `fleet.proxy.status` (and a NACK as
 * `fleet.config.rejected`), in one transaction. Writes for one proxy are applied in order.
 */
@Injectable()
export class ProxyStatusRecorder {
  private readonly logger = new Logger(ProxyStatusRecorder.name);
  private readonly queues = new Map<string, Promise<void>>();

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
    this.enqueue(change.proxyId, async () => {
      await this.db.forTenant(change.tenantId, async (tx) => {
        const { tenantId, proxyId, nodeId, ...status } = change;
        await this.statuses.upsert(tx, tenantId, proxyId, status);
        const event: ProxyStatusEvent = {
          tenantId,
          proxyId,
          nodeId,
          type: change.type,
          state: change.state,
          version: change.sentVersion,
          ...(change.errorDetail !== undefined ? { errorDetail: change.errorDetail } : {}),
          occurredAt: new Date().toISOString(),
        };
        await this.outbox.add(
          tx,
          tenantId,
          Subjects.proxyStatus(tenantId),
          event as unknown as Json,
          randomUUID(),
        );
        if (change.rejection) {
          const rejected: ConfigRejectedEvent = {
            tenantId,
            proxyId,
            nodeId,
            type: change.type,
            version: change.sentVersion,
            rejection: change.rejection,
            errorDetail: change.errorDetail ?? '',
            occurredAt: event.occurredAt,
          };
          await this.outbox.add(
            tx,
            tenantId,
            Subjects.configRejected(tenantId),
            rejected as unknown as Json,
            randomUUID(),
          );
        }
      });
      this.relay.kick();
    });
  }

  connected(tenantId: string, proxyId: string, connected: boolean): void {
    this.enqueue(proxyId, () =>
      this.db.forTenant(tenantId, async (tx) => {
        await this.proxies.setConnected(tx, proxyId, connected);
      }),
    );
  }

  /** Resolves when every queued write has finished (for shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  private enqueue(proxyId: string, work: () => Promise<void>): void {
    const previous = this.queues.get(proxyId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => this.logger.warn(`proxy ${proxyId} status not recorded: ${String(error)}`));
    this.queues.set(proxyId, next);
    void next.finally(() => {
      if (this.queues.get(proxyId) === next) this.queues.delete(proxyId);
    });
  }
}

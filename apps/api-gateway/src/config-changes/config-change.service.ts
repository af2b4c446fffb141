import {
  AuditEntry,
  AuditRepository,
  ConfigVersionRepository,
  Database,
  Json,
  OutboxRepository,
  TenantRepository,
  TenantTx,
} from '@envoy-fleet/data-access';
import { CONFIG_KINDS, ConfigKind, DomainError, Principal } from '@envoy-fleet/domain';
import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable, Optional } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { currentRequestId } from '../common/request-context';
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ConfigChange, ConfigUpdatedEvent, OutboxRelayService, Subjects } from '@envoy-fleet/messaging';
import { EntityTagCondition, ifMatchHolds } from '../concurrency/entity-tags';
import { RequestPreconditions } from '../concurrency/write-preconditions';
import { TenantQuotasService } from '../quotas/tenant-quotas.service';
import { TenantReadCache } from '../read-cache/tenant-read-cache';
import { GroupCommit, Outcome, settle } from './group-commit';

/** Writes of one tenant committed together at most (a transaction holds the tenant lock while they run). */
const MAX_WRITES_PER_TRANSACTION = 32;

/** The tenant lock as the writes of one transaction share it. */
interface HeldLock {
  /** The tenant's own quotas, read with the lock when a write creates. */
  overrides?: Record<string, number>;
  /** Objects of each quota counted so far in this transaction (TenantQuotasService.checkCreate). */
  counted: Map<string, number>;
}

/** A write waiting for its tenant's next transaction. */
interface PendingWrite {
  creates: boolean;
  run: (tx: TenantTx, lock: HeldLock) => Promise<unknown>;
}

/** What a write did, for the audit log and the event. */
export interface ChangeRecord<T> {
  result: T;
  before: unknown;
  after: unknown;
}

/** The outcome of a committed config write. */
export interface Committed<T> {
  result: T;
  version: number;
}

/** One audited write: which object, what happened to it. */
export interface WriteSubject {
  kind: string;
  name: string;
  action: ConfigChange['action'];
}

/**
 * The one way the API writes a tenant's data: the rows, the audit row and the outbox event
 * commit in one transaction, or none of them does. Config writes also get a new config version.
 *
 * Every write first locks the tenant row, so the tenant's writes run one at a time; under that
 * lock it checks the request's If-Match against the object's revision (412 when stale) and the
 * tenant's object quota on a create (429), so neither check can be overtaken by another write.
 * Writes of a tenant that queue behind its running transaction commit together in its next one
 * (one lock, one commit for all of them; each its own checks, version, audit row and event).
 * After the commit the tenant's cached reads are retired before the callers get their answers.
 */
@Injectable()
export class ConfigChangeService {
  constructor(
    private readonly db: Database,
    private readonly versions: ConfigVersionRepository,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
    private readonly tenants: TenantRepository,
    private readonly quotas: TenantQuotasService,
    private readonly readCache: TenantReadCache,
    @Optional() metrics?: AppMetrics,
  ) {
    this.writesPerTransaction = metrics
      ? new Histogram({
          name: 'fleet_api_writes_per_transaction',
          help: "Writes of one tenant committed together in one transaction (those that queued behind the tenant's previous one).",
          buckets: [1, 2, 4, 8, 16, 32],
          registers: [metrics.registry],
        })
      : undefined;
  }

  private readonly writesPerTransaction?: Histogram;
  private readonly groups = new GroupCommit<PendingWrite, unknown>(
    (tenantId, writes) => this.runGroup(tenantId, writes),
    MAX_WRITES_PER_TRANSACTION,
  );

  /** A change to the declared config: bumps the tenant's version and publishes `fleet.config.updated`. */
  async apply<T>(
    principal: Principal,
    change: WriteSubject & { kind: ConfigKind },
    write: (tx: TenantTx) => Promise<ChangeRecord<T>>,
  ): Promise<Committed<T>> {
    const tenantId = principal.tenantId;
    return this.commit(principal, change, async (tx) => {
      const record = await write(tx);
      const event: ConfigUpdatedEvent = {
        tenantId,
        // Set to the new version by the statement that records it.
        version: 0,
        actor: principal.subject,
        changes: [change as ConfigChange],
        occurredAt: new Date().toISOString(),
      };
      // The version, audit row and event in one round trip: the tenant lock is held until commit,
      // so every round trip saved here is time the tenant's next write is not kept waiting.
      const version = await this.versions.createWithAuditAndEvent(
        tx,
        tenantId,
        principal.subject,
        toJson({ changes: [change] }),
        this.auditEntry(principal, change, record),
        {
          subject: Subjects.configUpdated(tenantId),
          payload: toJson(event) as { [key: string]: Json },
          msgId: randomUUID(),
          headers: this.outbox.traceHeaders(),
        },
      );
      return { result: record.result, extra: version };
    }).then(({ result, extra }) => ({ result, version: extra }));
  }

  /** Any other audited write of the tenant, publishing `event` on `subject`. */
  async record<T>(
    principal: Principal,
    change: WriteSubject,
    subject: string,
    write: (tx: TenantTx) => Promise<ChangeRecord<T> & { event: unknown }>,
  ): Promise<T> {
    const { result } = await this.commit(principal, change, async (tx) => {
      const { event, ...record } = await write(tx);
      await this.audit.add(tx, this.auditEntry(principal, change, record));
      await this.outbox.add(tx, principal.tenantId, subject, toJson(event), randomUUID());
      return { result: record.result, extra: undefined };
    });
    return result;
  }

  /**
   * Runs `work` under the tenant lock after checking If-Match (or, for a create, the quota), in
   * the tenant's next transaction: writes of a tenant that arrive while one of its transactions
   * runs are committed together in the next (GroupCommit), each still checked and recorded on
   * its own under the lock.
   */
  private commit<T, X>(
    principal: Principal,
    change: WriteSubject,
    work: (tx: TenantTx) => Promise<{ result: T; extra: X }>,
  ): Promise<{ result: T; extra: X }> {
    const tenantId = principal.tenantId;
    const { ifMatch } = RequestPreconditions.current();
    const creates = change.action === 'created';
    // Bound to this request's context: it may run in another request's transaction, but its
    // audit row, trace headers and log lines are its own.
    const run = AsyncResource.bind(async (tx: TenantTx, lock: HeldLock) => {
      if (creates) await this.quotas.checkCreate(tx, tenantId, change.kind, lock.overrides, lock.counted);
      else if (ifMatch) await this.checkIfMatch(tx, tenantId, change, ifMatch);
      return work(tx);
    });
    return this.groups.submit(tenantId, { creates, run }) as Promise<{ result: T; extra: X }>;
  }

  /**
   * One group of a tenant's writes: together in one transaction; if any of them fails, that
   * transaction rolls back and each runs again in a transaction of its own, so that only the
   * failing one fails and the others' answers are as if they had come alone.
   */
  private async runGroup(tenantId: string, writes: PendingWrite[]): Promise<Outcome<unknown>[]> {
    if (writes.length > 1) {
      const together = await settle(this.transaction(tenantId, writes));
      if (together.ok) return together.value.map((value) => ({ ok: true, value }));
    }
    const outcomes: Outcome<unknown>[] = [];
    for (const write of writes) {
      outcomes.push(await settle(this.transaction(tenantId, [write]).then(([value]) => value)));
    }
    return outcomes;
  }

  /** Locks the tenant, runs the writes in order, commits; then retires the tenant's cached reads. */
  private async transaction(tenantId: string, writes: PendingWrite[]): Promise<unknown[]> {
    const results = await this.db.forTenant(tenantId, async (tx) => {
      const lock: HeldLock = { counted: new Map() };
      if (writes.some((write) => write.creates)) {
        lock.overrides = await this.tenants.lockForWriteWithQuotas(tx, tenantId);
      } else {
        await this.tenants.lockForWrite(tx, tenantId);
      }
      const results: unknown[] = [];
      for (const write of writes) results.push(await write.run(tx, lock));
      return results;
    });
    this.writesPerTransaction?.observe(writes.length);
    this.relay.kick();
    // Read-your-writes: this replica's callers must not get a cached read from before their writes.
    await this.readCache.invalidate(tenantId);
    return results;
  }

  private auditEntry(principal: Principal, change: WriteSubject, record: ChangeRecord<unknown>): AuditEntry {
    return {
      tenantId: principal.tenantId,
      actor: principal.subject,
      action: change.action,
      kind: change.kind,
      name: change.name,
      before: toJson(record.before),
      after: toJson(record.after),
      requestId: currentRequestId(),
    };
  }

  /**
   * If-Match on an update or delete, by strong comparison with the object's revision (config
   * objects, and proxies, VMs, webhooks and API keys). Anything else (a delivery's redelivery) has
   * no ETag, so only `*` can hold for it; If-Match on a create is not evaluated (it would name the
   * collection, which has no ETag).
   */
  private async checkIfMatch(
    tx: TenantTx,
    tenantId: string,
    change: WriteSubject,
    ifMatch: EntityTagCondition,
  ): Promise<void> {
    if (change.action === 'created') return;
    const kind = change.kind;
    const configKind = CONFIG_KINDS.find((known) => known === kind);
    if (!configKind && !this.versions.hasObjectRevisions(kind)) {
      if (ifMatch.any) return;
      throw new DomainError('PRECONDITION_FAILED', `If-Match: ${kind} '${change.name}' has no ETag`);
    }
    const revision = configKind
      ? await this.versions.revisionOf(tx, tenantId, configKind, change.name)
      : await this.versions.objectRevisionOf(tx, tenantId, kind, change.name);
    if (revision === null) throw DomainError.notFound(kind, change.name);
    if (!ifMatchHolds(ifMatch, revision)) {
      throw new DomainError(
        'PRECONDITION_FAILED',
        `If-Match: ${kind} '${change.name}' is at revision ${revision} (ETag "${revision}"); read it again and retry`,
      );
    }
  }
}

/** Objects as stored in JSON columns: dates become ISO strings, undefined fields disappear. */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

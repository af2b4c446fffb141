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
import { Injectable } from '@nestjs/common';
import { currentRequestId } from '../common/request-context';
import { randomUUID } from 'node:crypto';
import { ConfigChange, ConfigUpdatedEvent, OutboxRelayService, Subjects } from '@envoy-fleet/messaging';
import { EntityTagCondition, ifMatchHolds } from '../concurrency/entity-tags';
import { RequestPreconditions } from '../concurrency/write-preconditions';
import { TenantQuotasService } from '../quotas/tenant-quotas.service';
import { TenantReadCache } from '../read-cache/tenant-read-cache';

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
 * After the commit the tenant's cached reads are retired before the caller gets its answer.
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
  ) {}

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

  /** Locks the tenant, checks If-Match and the quota, runs `work` (which records the audit row and event), commits. */
  private async commit<T, X>(
    principal: Principal,
    change: WriteSubject,
    work: (tx: TenantTx) => Promise<{ result: T; extra: X }>,
  ): Promise<{ result: T; extra: X }> {
    const tenantId = principal.tenantId;
    const { ifMatch } = RequestPreconditions.current();
    const committed = await this.db.forTenant(tenantId, async (tx) => {
      if (change.action === 'created') {
        const overrides = await this.tenants.lockForWriteWithQuotas(tx, tenantId);
        await this.quotas.checkCreate(tx, tenantId, change.kind, overrides);
      } else {
        await this.tenants.lockForWrite(tx, tenantId);
        if (ifMatch) await this.checkIfMatch(tx, tenantId, change, ifMatch);
      }
      return work(tx);
    });
    this.relay.kick();
    // Read-your-writes: this replica's caller must not get a cached read from before its write.
    await this.readCache.invalidate(tenantId);
    return committed;
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

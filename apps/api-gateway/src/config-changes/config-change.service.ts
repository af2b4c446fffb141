import {
  AuditRepository,
  ConfigVersionRepository,
  Database,
  Json,
  OutboxRepository,
  TenantTx,
} from '@envoy-fleet/data-access';
import { ConfigKind, Principal } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigChange, ConfigUpdatedEvent, OutboxRelayService, Subjects } from '@envoy-fleet/messaging';

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
 */
@Injectable()
export class ConfigChangeService {
  constructor(
    private readonly db: Database,
    private readonly versions: ConfigVersionRepository,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
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
      const { version } = await this.versions.create(
        tx,
        tenantId,
        principal.subject,
        toJson({ changes: [change] }),
      );
      const event: ConfigUpdatedEvent = {
        tenantId,
        version,
        actor: principal.subject,
        changes: [change as ConfigChange],
        occurredAt: new Date().toISOString(),
      };
      return { record, subject: Subjects.configUpdated(tenantId), event, extra: { version } };
    }).then(({ result, extra }) => ({ result, version: extra.version }));
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
      return { record, subject, event, extra: undefined };
    });
    return result;
  }

  private async commit<T, X>(
    principal: Principal,
    change: WriteSubject,
    work: (tx: TenantTx) => Promise<{ record: ChangeRecord<T>; subject: string; event: unknown; extra: X }>,
  ): Promise<{ result: T; extra: X }> {
    const tenantId = principal.tenantId;
    const committed = await this.db.forTenant(tenantId, async (tx) => {
      const { record, subject, event, extra } = await work(tx);
      await this.audit.add(tx, {
        tenantId,
        actor: principal.subject,
        action: change.action,
        kind: change.kind,
        name: change.name,
        before: toJson(record.before),
        after: toJson(record.after),
      });
      await this.outbox.add(tx, tenantId, subject, toJson(event), randomUUID());
      return { result: record.result, extra };
    });
    this.relay.kick();
    return committed;
  }
}

/** Objects as stored in JSON columns: dates become ISO strings, undefined fields disappear. */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

import type { ConfigKind } from '@envoy-fleet/domain';
import { isUuid } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import type { Tx } from '../database';
import { found } from '../errors';
import type * as Rows from '../generated/prisma/client';
import { fromJson, type Json } from '../json';
import type { AuditEntry } from './audit.repository';

/** The outbox event of a config change; its payload's `version` is set to the new version. */
export interface VersionedEvent {
  subject: string;
  payload: { [key: string]: Json };
  msgId: string;
  headers: Record<string, string>;
}

/** One committed version of a tenant's config: who made it and what changed. */
export interface ConfigVersionRecord {
  tenantId: string;
  version: number;
  actor: string;
  summary: Json;
  createdAt: Date;
}

function toConfigVersion(row: Rows.ConfigVersion): ConfigVersionRecord {
  return {
    tenantId: row.tenantId,
    version: row.version,
    actor: row.actor,
    summary: fromJson(row.summary),
    createdAt: row.createdAt,
  };
}

/** The tenant's config version history; versions count up from 1 with no gaps. */
/** Where each kind's revision is, and how its writes name an object (ConfigChangeService's WriteSubject). */
const OBJECT_REVISIONS: Record<string, { table: string; byId: boolean; column?: string }> = {
  proxy: { table: 'proxies', byId: false, column: 'node_id' },
  vm: { table: 'vms', byId: false, column: 'name' },
  webhook: { table: 'webhook_subscriptions', byId: true },
  'api-key': { table: 'api_keys', byId: true },
};

@Injectable()
export class ConfigVersionRepository {
  /**
   * Records the next version of the tenant's config. Locks the tenant row, so concurrent writers
   * of one tenant queue up and each gets its own number (other tenants are not blocked). NO KEY
   * UPDATE, not UPDATE: the rows the transaction already inserted hold KEY SHARE locks on the
   * tenant row (foreign keys), and two writers upgrading those to UPDATE deadlock.
   */
  async create(tx: Tx, tenantId: string, actor: string, summary: Json = {}): Promise<ConfigVersionRecord> {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM tenants WHERE id = ${tenantId}::uuid FOR NO KEY UPDATE`;
    found('tenant', tenantId, locked[0] ?? null);
    const version = (await this.current(tx, tenantId)) + 1;
    const row = await tx.configVersion.create({
      data: {
        tenantId,
        version,
        actor,
        summary: summary === null ? {} : (summary as Rows.Prisma.InputJsonValue),
      },
    });
    return toConfigVersion(row);
  }

  /**
   * Records the tenant's next version, the change's audit entry and its outbox event in one
   * statement (one round trip instead of five), returning the new version. Only for a caller that
   * already holds the tenant lock (TenantRepository.lockForWrite), which makes max + 1 race-free.
   */
  async createWithAuditAndEvent(
    tx: Tx,
    tenantId: string,
    actor: string,
    summary: Json,
    audit: AuditEntry,
    event: VersionedEvent,
  ): Promise<number> {
    const jsonb = (value: Json | undefined) =>
      value === undefined || value === null ? null : JSON.stringify(value);
    const rows = await tx.$queryRaw<{ version: number }[]>`
      WITH version AS (
        INSERT INTO config_versions (tenant_id, version, actor, summary)
        SELECT ${tenantId}::uuid, coalesce(max(version), 0) + 1, ${actor}, ${jsonb(summary) ?? '{}'}::jsonb
          FROM config_versions WHERE tenant_id = ${tenantId}::uuid
        RETURNING version
      ), audit AS (
        INSERT INTO audit_logs (tenant_id, actor, action, kind, name, before, after, request_id)
        VALUES (${audit.tenantId}::uuid, ${audit.actor}, ${audit.action}, ${audit.kind}, ${audit.name},
                ${jsonb(audit.before)}::jsonb, ${jsonb(audit.after)}::jsonb, ${audit.requestId ?? null})
      ), event AS (
        INSERT INTO outbox_events (tenant_id, subject, payload, msg_id, headers)
        SELECT ${tenantId}::uuid, ${event.subject},
               jsonb_set(${JSON.stringify(event.payload)}::jsonb, '{version}', to_jsonb(version.version)),
               ${event.msgId}::uuid, ${JSON.stringify(event.headers)}::jsonb
          FROM version
      )
      SELECT version FROM version`;
    const version = rows[0]?.version;
    if (version === undefined) throw new Error(`no config version recorded for tenant ${tenantId}`);
    return version;
  }

  /** The tenant's latest version, 0 before the first write. */
  async current(tx: Tx, tenantId: string): Promise<number> {
    const agg = await tx.configVersion.aggregate({ where: { tenantId }, _max: { version: true } });
    return agg._max.version ?? 0;
  }

  /**
   * The revision a config object of the tenant is at (what its ETag carries), or null when there is
   * no such object. Read under the tenant lock, it cannot change before the transaction ends.
   */
  async revisionOf(tx: Tx, tenantId: string, kind: ConfigKind, name: string): Promise<number | null> {
    const where = { tenantId_name: { tenantId, name } };
    const select = { revision: true } as const;
    switch (kind) {
      case 'cluster':
        return (await tx.cluster.findUnique({ where, select }))?.revision ?? null;
      case 'listener':
        return (await tx.listener.findUnique({ where, select }))?.revision ?? null;
      case 'route-configuration':
        return (await tx.routeConfiguration.findUnique({ where, select }))?.revision ?? null;
      case 'secret':
        return (await tx.secret.findUnique({ where, select }))?.revision ?? null;
      default: {
        const unreachable: never = kind;
        throw new Error(`no revisions for kind ${String(unreachable)}`);
      }
    }
  }

  /**
   * The revision of another API object (proxy, VM, webhook, API key), named as its audited writes
   * name it; null when there is no such object or `kind` has none (hasObjectRevisions). Read
   * under the tenant lock.
   */
  async objectRevisionOf(tx: Tx, tenantId: string, kind: string, name: string): Promise<number | null> {
    const where = OBJECT_REVISIONS[kind];
    if (!where || (where.byId && !isUuid(name))) return null;
    const rows = await tx.$queryRawUnsafe<{ revision: number }[]>(
      `SELECT revision FROM ${where.table} WHERE tenant_id = $1::uuid AND ${where.byId ? 'id = $2::uuid' : `${where.column} = $2`}`,
      tenantId,
      name,
    );
    return rows[0]?.revision ?? null;
  }

  /** Whether objects of `kind` (other than config) have revisions, so ETags. */
  hasObjectRevisions(kind: string): boolean {
    return kind in OBJECT_REVISIONS;
  }

  /** One version; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, version: number): Promise<ConfigVersionRecord> {
    const row = await tx.configVersion.findUnique({ where: { tenantId_version: { tenantId, version } } });
    return toConfigVersion(found('config-version', String(version), row));
  }

  /** The newest versions first. */
  async list(tx: Tx, tenantId: string, limit = 50): Promise<ConfigVersionRecord[]> {
    const rows = await tx.configVersion.findMany({
      where: { tenantId },
      orderBy: { version: 'desc' },
      take: limit,
    });
    return rows.map(toConfigVersion);
  }
}

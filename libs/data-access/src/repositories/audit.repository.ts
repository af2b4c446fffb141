import { Injectable } from '@nestjs/common';
import type { Tx } from '../database';
import type * as Rows from '../generated/prisma/client';
import { fromJson, toJsonInput, type Json } from '../json';
import { type Page, type PageRequest, readPage } from '../paging';

/** One change to record: who did what to which object, with its state before and after. */
export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  kind: string;
  name: string;
  before?: Json;
  after?: Json;
  requestId?: string;
}

/** A recorded audit entry. */
export interface AuditRecord extends AuditEntry {
  id: string;
  createdAt: Date;
}

/** Filters for reading the audit log. */
export interface AuditQuery {
  kind?: string;
  name?: string;
  limit?: number;
}

/** Filters of `GET /v1/audit` (the name prefix, order and page size come with the PageRequest). */
export interface AuditFilters {
  actor?: string;
  kind?: string;
  action?: string;
  /** Entries at or after this instant. */
  since?: Date;
  /** Entries before this instant. */
  until?: Date;
}

function toAudit(row: Rows.AuditLog): AuditRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    actor: row.actor,
    action: row.action,
    kind: row.kind,
    name: row.name,
    ...(row.before !== null ? { before: fromJson(row.before) } : {}),
    ...(row.after !== null ? { after: fromJson(row.after) } : {}),
    ...(row.requestId !== null ? { requestId: row.requestId } : {}),
    createdAt: row.createdAt,
  };
}

/** The tenant's audit log; written in the same transaction as the change it describes. */
@Injectable()
export class AuditRepository {
  /** Appends an entry. */
  async add(tx: Tx, entry: AuditEntry): Promise<AuditRecord> {
    const row = await tx.auditLog.create({
      data: {
        tenantId: entry.tenantId,
        actor: entry.actor,
        action: entry.action,
        kind: entry.kind,
        name: entry.name,
        before: toJsonInput(entry.before),
        after: toJsonInput(entry.after),
        requestId: entry.requestId ?? null,
      },
    });
    return toAudit(row);
  }

  /** The newest entries first, optionally for one kind and name. */
  async list(tx: Tx, tenantId: string, query: AuditQuery = {}): Promise<AuditRecord[]> {
    const rows = await tx.auditLog.findMany({
      where: {
        tenantId,
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.name ? { name: query.name } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit ?? 100,
    });
    return rows.map(toAudit);
  }

  /** One page of the log, filtered; keyset-paged like every collection. */
  async page(
    tx: Tx,
    tenantId: string,
    filters: AuditFilters,
    request: PageRequest,
  ): Promise<Page<AuditRecord>> {
    const createdAt = {
      ...(filters.since ? { gte: filters.since } : {}),
      ...(filters.until ? { lt: filters.until } : {}),
    };
    const page = await readPage(request, { name: 'name' }, (args) =>
      tx.auditLog.findMany({
        ...args,
        where: {
          tenantId,
          ...(filters.actor ? { actor: filters.actor } : {}),
          ...(filters.kind ? { kind: filters.kind } : {}),
          ...(filters.action ? { action: filters.action } : {}),
          ...(filters.since || filters.until ? { createdAt } : {}),
          ...args.where,
        },
      } as never),
    );
    return { items: (page.items as unknown as Rows.AuditLog[]).map(toAudit), nextCursor: page.nextCursor };
  }
}

import { Injectable } from '@nestjs/common';
import type { SystemTx, Tx } from '../database';
import { found } from '../errors';
import type * as Rows from '../generated/prisma/client';
import type { Prisma } from '../generated/prisma/client';
import type { Json } from '../json';
import { type Page, type PageRequest, readPage, scopedKeysetArgs } from '../paging';

const KIND = 'webhook delivery';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead_lettered';

/** One try at a delivery, as kept in its log. */
export interface WebhookAttempt {
  at: string;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  response?: string;
}

/** One event for one subscription, with its attempts. */
export interface WebhookDeliveryRecord {
  id: string;
  tenantId: string;
  subscriptionId: string;
  eventType: string;
  eventMsgId: string;
  payload: unknown;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt?: Date;
  attemptLog: WebhookAttempt[];
  eventAt: Date;
  createdAt: Date;
  deliveredAt?: Date;
}

/** A delivery to create; `leasedUntil` lets the creating worker try it at once without a poller racing it. */
export interface NewWebhookDelivery {
  id: string;
  tenantId: string;
  subscriptionId: string;
  eventType: string;
  eventMsgId: string;
  payload: Json;
  eventAt: Date;
  leasedUntil: Date;
}

/** What a page of a subscription's delivery log may be narrowed to. */
export interface WebhookDeliveryFilters {
  status?: WebhookDeliveryStatus;
  /** An event type (`config.updated`), an area (`config.*`) or `*`, as subscriptions name them. */
  eventType?: string;
}

/** The outcome of one attempt: the row's new state. */
export interface WebhookAttemptResult {
  status: WebhookDeliveryStatus;
  attempt: WebhookAttempt;
  nextAttemptAt: Date | null;
}

function toRecord(row: Rows.WebhookDelivery): WebhookDeliveryRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    subscriptionId: row.subscriptionId,
    eventType: row.eventType,
    eventMsgId: row.eventMsgId,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    ...(row.nextAttemptAt ? { nextAttemptAt: row.nextAttemptAt } : {}),
    attemptLog: row.attemptLog as unknown as WebhookAttempt[],
    eventAt: row.eventAt,
    createdAt: row.createdAt,
    ...(row.deliveredAt ? { deliveredAt: row.deliveredAt } : {}),
  };
}

/** The delivery log, and the queue of deliveries still to try. */
@Injectable()
export class WebhookDeliveryRepository {
  /** Inserts the deliveries not there yet (a repeated event maps to the same ids); returns those inserted. */
  async createMissing(tx: Tx, deliveries: NewWebhookDelivery[]): Promise<string[]> {
    if (deliveries.length === 0) return [];
    // ON CONFLICT DO NOTHING: only the rows inserted now come back, also when a replica races us.
    const inserted = await tx.webhookDelivery.createManyAndReturn({
      data: deliveries.map((d) => ({ ...d, payload: d.payload as Prisma.InputJsonValue })),
      skipDuplicates: true,
      select: { id: true },
    });
    return inserted.map((row) => row.id);
  }

  /** Leases up to `limit` pending deliveries that are due and not held by a live worker. */
  async claimDue(tx: SystemTx, limit: number, leaseMs: number): Promise<WebhookDeliveryRecord[]> {
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE webhook_deliveries SET leased_until = now() + ${leaseMs} * interval '1 millisecond'
      WHERE id IN (
        SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
          AND (leased_until IS NULL OR leased_until < now())
        ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    return this.findByIds(
      tx,
      claimed.map((row) => row.id),
    );
  }

  async findByIds(tx: SystemTx, ids: string[]): Promise<WebhookDeliveryRecord[]> {
    if (ids.length === 0) return [];
    return (await tx.webhookDelivery.findMany({ where: { id: { in: ids } } })).map(toRecord);
  }

  /** Records one attempt and the delivery's new state, and lets go of its lease. */
  async recordAttempt(tx: SystemTx, id: string, result: WebhookAttemptResult): Promise<void> {
    await this.recordAttempts(tx, [{ id, result }]);
  }

  /** Records one attempt for each delivery in one statement, as `recordAttempt` does for one. */
  async recordAttempts(
    tx: SystemTx,
    attempts: { id: string; result: WebhookAttemptResult }[],
  ): Promise<void> {
    if (attempts.length === 0) return;
    const rows = JSON.stringify(
      attempts.map(({ id, result }) => ({
        id,
        status: result.status,
        next_attempt_at: result.nextAttemptAt?.toISOString() ?? null,
        status_code: result.attempt.statusCode ?? null,
        error: result.attempt.error ?? null,
        latency_ms: result.attempt.latencyMs,
        response: result.attempt.response ?? null,
        attempt: result.attempt,
      })),
    );
    await tx.$executeRaw`
      UPDATE webhook_deliveries AS d SET
        status = v.status, attempts = d.attempts + 1, next_attempt_at = v.next_attempt_at,
        leased_until = NULL, last_status_code = v.status_code, last_error = v.error,
        last_latency_ms = v.latency_ms, last_response = v.response,
        attempt_log = d.attempt_log || jsonb_build_array(v.attempt),
        delivered_at = CASE WHEN v.status = 'delivered' THEN now() ELSE d.delivered_at END
      FROM jsonb_to_recordset(${rows}::jsonb) AS v(
        id uuid, status text, next_attempt_at timestamptz, status_code int, error text,
        latency_ms int, response text, attempt jsonb)
      WHERE d.id = v.id`;
  }

  /** Puts off the next attempt without counting one (e.g. the target's circuit is open). */
  async postpone(tx: SystemTx, id: string, until: Date): Promise<void> {
    await tx.webhookDelivery.update({ where: { id }, data: { nextAttemptAt: until, leasedUntil: null } });
  }

  /** The tenant's deliveries, newest first, optionally of one subscription. */
  async list(
    tx: Tx,
    tenantId: string,
    subscriptionId?: string,
    limit = 100,
  ): Promise<WebhookDeliveryRecord[]> {
    const rows = await tx.webhookDelivery.findMany({
      where: { tenantId, ...(subscriptionId ? { subscriptionId } : {}) },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /**
   * One page of a subscription's deliveries, filtered, by keyset on the creation time (newest
   * first unless sorted otherwise): one query of at most `limit + 1` rows.
   */
  async page(
    tx: Tx,
    tenantId: string,
    subscriptionId: string,
    filters: WebhookDeliveryFilters,
    request: PageRequest,
  ): Promise<Page<WebhookDeliveryRecord>> {
    const scope = {
      tenantId,
      subscriptionId,
      ...(filters.status ? { status: filters.status } : {}),
      ...eventTypeWhere(filters.eventType),
    };
    const page = await readPage(request, { name: 'eventType' }, (args) =>
      tx.webhookDelivery.findMany(scopedKeysetArgs<Prisma.WebhookDeliveryFindManyArgs>(args, scope)),
    );
    return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
  }

  async get(tx: Tx, tenantId: string, id: string): Promise<WebhookDeliveryRecord> {
    return toRecord(found(KIND, id, await tx.webhookDelivery.findFirst({ where: { id, tenantId } })));
  }

  /** Queues the delivery again now (same id), whatever its state. */
  async redeliver(tx: Tx, tenantId: string, id: string): Promise<WebhookDeliveryRecord> {
    await this.get(tx, tenantId, id);
    const row = await tx.webhookDelivery.update({
      where: { id },
      data: { status: 'pending', nextAttemptAt: new Date(), leasedUntil: null },
    });
    return toRecord(row);
  }
}

/** `config.*` selects the area by prefix (event types hold no LIKE wildcards); `*` selects all. */
function eventTypeWhere(pattern?: string): Record<string, unknown> {
  if (!pattern || pattern === '*') return {};
  if (pattern.endsWith('.*')) return { eventType: { startsWith: pattern.slice(0, -1) } };
  return { eventType: pattern };
}

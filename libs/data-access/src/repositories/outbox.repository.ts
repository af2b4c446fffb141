import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { SystemQuery, SystemTx, Tx } from '../database';
import type { Prisma } from '../generated/prisma/client';
import type { Json } from '../json';

/** An event waiting in the outbox to be published. */
export interface OutboxMessage {
  id: bigint;
  tenantId: string;
  subject: string;
  payload: Json;
  /** Publish with this as the JetStream message id, so a re-publish is de-duplicated. */
  msgId: string;
  /** Publish with these headers: the W3C trace context (`traceparent`) of the write. */
  headers: Record<string, string>;
  createdAt: Date;
}

interface OutboxRow {
  id: bigint | string;
  tenant_id: string;
  subject: string;
  payload: Json;
  msg_id: string;
  headers: Record<string, string> | null;
  created_at: Date;
}

/**
 * The transactional outbox: a write adds its event in its own transaction, and the relay
 * publishes committed events, so an event is never lost nor sent for a rolled-back write.
 */
@Injectable()
export class OutboxRepository {
  /**
   * Adds an event to publish once the surrounding transaction commits; returns its msgId. It keeps
   * `headers`, by default the active trace context, so the consumer continues the writer's trace.
   */
  async add(
    tx: Tx,
    tenantId: string,
    subject: string,
    payload: Json,
    msgId: string = randomUUID(),
    headers: Record<string, string> = activeTraceContext(),
  ): Promise<string> {
    await tx.outboxEvent.create({
      data: { tenantId, subject, payload: payload as Prisma.InputJsonValue, msgId, headers },
    });
    return msgId;
  }

  /** The headers an event added now keeps: the active trace context (`traceparent`), {} outside a span. */
  traceHeaders(): Record<string, string> {
    return activeTraceContext();
  }

  /** Adds many events in one statement, in order, sharing `headers`. */
  async addMany(
    tx: Tx,
    tenantId: string,
    events: { subject: string; payload: Json }[],
    headers: Record<string, string> = activeTraceContext(),
  ): Promise<void> {
    if (events.length === 0) return;
    await tx.outboxEvent.createMany({
      data: events.map((event) => ({
        tenantId,
        subject: event.subject,
        payload: event.payload as Prisma.InputJsonValue,
        msgId: randomUUID(),
        headers,
      })),
    });
  }

  /**
   * Up to `limit` unpublished events, oldest first. Nothing is locked: two relays reading at once
   * may both publish an event, and the bus drops the second publish by its msg id.
   */
  async unpublished(query: SystemQuery, limit: number): Promise<OutboxMessage[]> {
    const rows = await query<OutboxRow>(
      `SELECT id, tenant_id::text AS tenant_id, subject, payload, headers, msg_id::text AS msg_id, created_at
         FROM outbox_events
        WHERE published_at IS NULL
        ORDER BY id
        LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      id: BigInt(row.id),
      tenantId: row.tenant_id,
      subject: row.subject,
      payload: row.payload,
      msgId: row.msg_id,
      headers: row.headers ?? {},
      createdAt: row.created_at,
    }));
  }

  /** How many events wait to be published, and the oldest one's age in seconds (0 if none). */
  async backlog(tx: SystemTx): Promise<{ count: number; oldestAgeSeconds: number }> {
    const [row] = await tx.$queryRaw<{ count: bigint; age: number | null }[]>`
      SELECT count(*) AS count,
             extract(epoch FROM now() - min(created_at))::float8 AS age
        FROM outbox_events
       WHERE published_at IS NULL`;
    return { count: Number(row?.count ?? 0), oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
  }

  /** Marks events as published. */
  async markPublished(query: SystemQuery, ids: bigint[], at = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await query(`UPDATE outbox_events SET published_at = $1 WHERE id = ANY($2::bigint[])`, [
      at,
      ids.map(String),
    ]);
  }
}

/** `traceparent` (and `tracestate`) of the active span; {} outside one. */
function activeTraceContext(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

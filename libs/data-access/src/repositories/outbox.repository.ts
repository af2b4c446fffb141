import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SystemTx, Tx } from '../database';
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
  createdAt: Date;
}

interface OutboxRow {
  id: bigint;
  tenant_id: string;
  subject: string;
  payload: Json;
  msg_id: string;
  created_at: Date;
}

/**
 * The transactional outbox: a write adds its event in its own transaction, and the relay
 * publishes committed events, so an event is never lost nor sent for a rolled-back write.
 */
@Injectable()
export class OutboxRepository {
  /** Adds an event to publish once the surrounding transaction commits; returns its msgId. */
  async add(
    tx: Tx,
    tenantId: string,
    subject: string,
    payload: Json,
    msgId: string = randomUUID(),
  ): Promise<string> {
    await tx.outboxEvent.create({
      data: { tenantId, subject, payload: payload as Prisma.InputJsonValue, msgId },
    });
    return msgId;
  }

  /**
   * Claims up to `limit` unpublished events, oldest first, locking them until `tx` ends; a second
   * relay skips them. Publish, then markPublished in the same system transaction.
   */
  async claimUnpublished(tx: SystemTx, limit: number): Promise<OutboxMessage[]> {
    const rows = await tx.$queryRaw<OutboxRow[]>`
      SELECT id, tenant_id::text AS tenant_id, subject, payload, msg_id::text AS msg_id, created_at
        FROM outbox_events
       WHERE published_at IS NULL
       ORDER BY id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`;
    return rows.map((row) => ({
      id: BigInt(row.id),
      tenantId: row.tenant_id,
      subject: row.subject,
      payload: row.payload,
      msgId: row.msg_id,
      createdAt: row.created_at,
    }));
  }

  /** Marks events as published. */
  async markPublished(tx: SystemTx, ids: bigint[], at = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await tx.outboxEvent.updateMany({ where: { id: { in: ids } }, data: { publishedAt: at } });
  }
}

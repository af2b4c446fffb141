import { Injectable } from '@nestjs/common';
import type { Tx } from '../database';

/** A response kept for an Idempotency-Key. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What claiming a key found. */
export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'completed'; requestHash: string; response: StoredResponse }
  | { outcome: 'in-progress'; requestHash: string; since: Date };

/**
 * Idempotency keys of POSTs, per tenant. The primary key (tenant, key) makes concurrent
 * claims of one key yield exactly one winner.
 */
@Injectable()
export class IdempotencyKeyRepository {
  /**
   * Claims `key` for a request, or reports what holds it. An expired key, or one whose first
   * request was abandoned before `abandonedBefore`, is taken over.
   */
  async claim(
    tx: Tx,
    tenantId: string,
    key: string,
    requestHash: string,
    expiresAt: Date,
    abandonedBefore: Date,
  ): Promise<IdempotencyClaim> {
    const now = new Date();
    await tx.idempotencyKey.deleteMany({
      where: {
        tenantId,
        key,
        OR: [{ expiresAt: { lt: now } }, { status: null, createdAt: { lt: abandonedBefore } }],
      },
    });
    const { count } = await tx.idempotencyKey.createMany({
      data: [{ tenantId, key, requestHash, expiresAt }],
      skipDuplicates: true,
    });
    if (count === 1) return { outcome: 'claimed' };
    const row = await tx.idempotencyKey.findUnique({ where: { tenantId_key: { tenantId, key } } });
    if (!row) return { outcome: 'in-progress', requestHash, since: now };
    if (row.status === null || row.body === null) {
      return { outcome: 'in-progress', requestHash: row.requestHash, since: row.createdAt };
    }
    return {
      outcome: 'completed',
      requestHash: row.requestHash,
      response: {
        status: row.status,
        headers: (row.headers ?? {}) as Record<string, string>,
        body: row.body,
      },
    };
  }

  /** Keeps the response of the request that claimed `key`. */
  async complete(tx: Tx, tenantId: string, key: string, response: StoredResponse): Promise<void> {
    await tx.idempotencyKey.updateMany({
      where: { tenantId, key, status: null },
      data: { status: response.status, headers: response.headers, body: response.body },
    });
  }

  /** Frees a key whose request failed in a way worth retrying (5xx, 429). */
  async release(tx: Tx, tenantId: string, key: string): Promise<void> {
    await tx.idempotencyKey.deleteMany({ where: { tenantId, key, status: null } });
  }

  /** Drops the tenant's expired keys. */
  async sweep(tx: Tx, tenantId: string): Promise<number> {
    const { count } = await tx.idempotencyKey.deleteMany({
      where: { tenantId, expiresAt: { lt: new Date() } },
    });
    return count;
  }
}

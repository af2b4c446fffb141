import { Database, IdempotencyKeyRepository, type StoredResponse } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiConfig } from '../api-config';
import { IdempotentReplay } from './idempotent-replay';

/** A key this replica holds while its request runs. */
export interface HeldKey {
  tenantId: string;
  key: string;
}

/** How long a duplicate waits for the first request to finish before it is told to retry. */
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 50;
/** A claim this old without a response was abandoned (its replica died mid-request). */
const ABANDONED_AFTER_MS = 120_000;
/** Response headers worth replaying; ids of the original request are not among them. */
const KEPT_HEADERS = ['content-type', 'etag', 'location', 'x-fleet-config-version', 'cache-control'];

/** Idempotency-Key on POST: one write per key, the first response replayed to repeats. */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    private readonly db: Database,
    private readonly keys: IdempotencyKeyRepository,
    private readonly config: ApiConfig,
  ) {}

  /**
   * Claims the key for this request. Throws IdempotentReplay when it already has a response,
   * 422 when it was used for another request, and 409 when its first request is still running
   * after a wait.
   */
  async claim(tenantId: string, key: string, requestHash: string): Promise<HeldKey> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const now = Date.now();
      const found = await this.db.forTenant(tenantId, (tx) =>
        this.keys.claim(
          tx,
          tenantId,
          key,
          requestHash,
          new Date(now + this.config.IDEMPOTENCY_TTL_SECONDS * 1000),
          new Date(now - ABANDONED_AFTER_MS),
        ),
      );
      if (found.outcome === 'claimed') {
        if (Math.random() < 0.01) void this.sweep(tenantId);
        return { tenantId, key };
      }
      if (found.requestHash !== requestHash) {
        throw new DomainError('UNPROCESSABLE', 'this Idempotency-Key was used for a different request', [
          { field: 'Idempotency-Key', message: 'was used with another method, path or body' },
        ]);
      }
      if (found.outcome === 'completed') throw new IdempotentReplay(found.response);
      if (Date.now() >= deadline) {
        throw new DomainError(
          'FAILED_PRECONDITION',
          'a request with this Idempotency-Key is still being handled; retry later',
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Keeps the response for repeats (2xx and 4xx); frees the key after a 429 or 5xx, so a retry runs. */
  async finish(
    held: HeldKey,
    status: number,
    headers: Record<string, unknown>,
    body: unknown,
  ): Promise<void> {
    const keep = status < 500 && status !== 429 && (typeof body === 'string' || Buffer.isBuffer(body));
    try {
      await this.db.forTenant(held.tenantId, (tx) =>
        keep
          ? this.keys.complete(
              tx,
              held.tenantId,
              held.key,
              storedResponse(status, headers, body as string | Buffer),
            )
          : this.keys.release(tx, held.tenantId, held.key),
      );
    } catch (error) {
      this.logger.error(
        `could not record Idempotency-Key ${held.key}`,
        error instanceof Error ? error.stack : error,
      );
    }
  }

  private async sweep(tenantId: string): Promise<void> {
    await this.db.forTenant(tenantId, (tx) => this.keys.sweep(tx, tenantId)).catch(() => undefined);
  }
}

function storedResponse(
  status: number,
  headers: Record<string, unknown>,
  body: string | Buffer,
): StoredResponse {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = String(value);
  }
  return { status, headers: kept, body: body.toString() };
}

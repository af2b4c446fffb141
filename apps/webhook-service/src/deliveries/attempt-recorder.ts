import { Database, WebhookAttemptResult, WebhookDeliveryRepository } from '@envoy-fleet/data-access';
import { Injectable } from '@nestjs/common';
import { BatchWriter } from './batch-writer';

const MAX_BATCH = 500;

/**
 * Writes attempt outcomes in batches: outcomes that arrive while one batch is written share the
 * next, written by one UPDATE, so a busy target costs one statement per batch, not per attempt.
 */
@Injectable()
export class AttemptRecorder {
  private readonly writer: BatchWriter<{ id: string; result: WebhookAttemptResult }, void>;

  constructor(db: Database, deliveries: WebhookDeliveryRepository) {
    this.writer = new BatchWriter(
      (attempts) => db.asSystem((tx) => deliveries.recordAttempts(tx, attempts)),
      MAX_BATCH,
    );
  }

  /** Resolves once the outcome is committed. */
  record(id: string, result: WebhookAttemptResult): Promise<void> {
    return this.writer.add({ id, result });
  }
}

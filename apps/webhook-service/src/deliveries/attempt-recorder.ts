import { Database, WebhookAttemptResult, WebhookDeliveryRepository } from '@envoy-fleet/data-access';
import { Injectable } from '@nestjs/common';

const MAX_BATCH = 200;

interface Pending {
  id: string;
  result: WebhookAttemptResult;
  done: () => void;
  fail: (error: unknown) => void;
}

/**
 * Writes attempt outcomes in batches: outcomes that arrive while one transaction runs share the
 * next, so a busy target costs one transaction per batch rather than one per attempt.
 */
@Injectable()
export class AttemptRecorder {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Database,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  /** Resolves once the outcome is committed. */
  record(id: string, result: WebhookAttemptResult): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ id, result, done, fail });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.db.asSystem(async (tx) => {
            for (const entry of batch) await this.deliveries.recordAttempt(tx, entry.id, entry.result);
          });
          for (const entry of batch) entry.done();
        } catch (error) {
          for (const entry of batch) entry.fail(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

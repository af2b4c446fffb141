import { Database, NewWebhookDelivery, WebhookDeliveryRepository } from '@envoy-fleet/data-access';
import { Injectable } from '@nestjs/common';
import { BatchWriter } from './batch-writer';

const MAX_BATCH_ROWS = 1000;

/**
 * Records the deliveries of the events being handled together: the rows of every event that
 * arrives while one batch commits go into the next, one multi-row insert for them all. Each
 * event is acknowledged only after the batch holding its rows committed.
 */
@Injectable()
export class DeliveryIntake {
  private readonly writer: BatchWriter<NewWebhookDelivery[], Set<string>>;

  constructor(db: Database, deliveries: WebhookDeliveryRepository) {
    // As fleet_system: a batch holds several tenants' events. Each row's tenant is the event's,
    // and its subscription was matched among that tenant's own.
    this.writer = new BatchWriter(
      async (events) => new Set(await db.asSystem((tx) => deliveries.createMissing(tx, events.flat()))),
      MAX_BATCH_ROWS,
    );
  }

  /**
   * Inserts the deliveries not there yet (a repeated event maps to the same ids) and resolves, once
   * committed, with the ids inserted by that batch: a repeated event's rows are not among them.
   */
  async record(rows: NewWebhookDelivery[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await this.writer.add(rows);
    // The same event twice in one batch: its rows count as inserted for the first one only.
    return new Set(rows.filter((row) => inserted.delete(row.id)).map((row) => row.id));
  }
}

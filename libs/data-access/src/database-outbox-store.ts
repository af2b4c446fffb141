import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { OutboxMessage, OutboxRepository } from './repositories/outbox.repository';

/**
 * The outbox as the relay reads it (messaging's OutboxStore): across tenants, as fleet_system,
 * since one relay publishes every tenant's events.
 */
@Injectable()
export class DatabaseOutboxStore {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxRepository,
  ) {}

  claimUnpublished(limit: number): Promise<OutboxMessage[]> {
    return this.db.asSystem((tx) => this.outbox.claimUnpublished(tx, limit));
  }

  backlog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    return this.db.asSystem((tx) => this.outbox.backlog(tx));
  }

  markPublished(ids: (bigint | number | string)[]): Promise<void> {
    return this.db.asSystem((tx) =>
      this.outbox.markPublished(
        tx,
        ids.map((id) => BigInt(id)),
      ),
    );
  }
}

import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { OutboxMessage, OutboxRepository } from './repositories/outbox.repository';

/**
 * The outbox as the relay reads it (messaging's OutboxStore): across tenants, as fleet_system,
 * since one relay publishes every tenant's events; each read and mark is one statement.
 */
@Injectable()
export class DatabaseOutboxStore {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxRepository,
  ) {}

  unpublished(limit: number): Promise<OutboxMessage[]> {
    return this.db.autocommitAsSystem((query) => this.outbox.unpublished(query, limit));
  }

  backlog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    return this.db.asSystem((tx) => this.outbox.backlog(tx));
  }

  markPublished(ids: (bigint | number | string)[]): Promise<void> {
    return this.db.autocommitAsSystem((query) =>
      this.outbox.markPublished(
        query,
        ids.map((id) => BigInt(id)),
      ),
    );
  }
}

import { Database } from '@envoy-fleet/data-access';
import { ReadinessCheck } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';

/** PostgreSQL answers. */
@Injectable()
export class DatabaseReadiness implements ReadinessCheck {
  readonly name = 'database';
  constructor(private readonly db: Database) {}

  check(): Promise<void> {
    return this.db.ping();
  }
}

import { Injectable } from '@nestjs/common';
import { Database } from './database';

/** PostgreSQL answers: a readiness check (observability's ReadinessCheck) for every app that uses it. */
@Injectable()
export class DatabaseReadiness {
  readonly name = 'database';
  constructor(private readonly db: Database) {}

  check(): Promise<void> {
    return this.db.ping();
  }
}

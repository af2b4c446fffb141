import { CommonConfig } from '@envoy-fleet/config';
import { IsString } from 'class-validator';

/** What the one-process runner itself reads; each app still validates its own variables. */
export class FleetConfig extends CommonConfig {
  /** A role that may create the database and roles: when set, the runner migrates DATABASE_URL's server first. */
  @IsString()
  DATABASE_ADMIN_URL = '';

  @IsString()
  DATABASE_URL = '';

  @IsString()
  NATS_URL = '';

  @IsString()
  REDIS_URL = '';
}

/** One line per backing service: which one runs, and how to switch. */
export function describeBackingServices(config: FleetConfig): string[] {
  const dir = config.FLEET_DATA_DIR;
  return [
    config.DATABASE_URL
      ? `database   PostgreSQL (DATABASE_URL)`
      : `database   embedded PGlite in ${dir}/postgres (set DATABASE_URL for PostgreSQL)`,
    config.NATS_URL
      ? `event bus  NATS JetStream (NATS_URL)`
      : `event bus  in-process, journal in ${dir}/events (set NATS_URL for NATS JetStream)`,
    config.REDIS_URL ? `cache      Redis (REDIS_URL)` : `cache      in-process (set REDIS_URL for Redis)`,
  ];
}

import { CommonConfig } from '@envoy-fleet/config';
import { IsInt, IsString, Matches, Min } from 'class-validator';

/** webhook-service settings, from the environment. */
export class WebhookConfig extends CommonConfig {
  override HTTP_PORT = 3002;

  /** NATS with JetStream, e.g. nats://127.0.0.1:4222. Empty: the in-process event bus. */
  @IsString()
  NATS_URL = '';

  /** PostgreSQL as fleet_app. Empty: the embedded PGlite in FLEET_DATA_DIR. */
  @IsString()
  DATABASE_URL = '';

  /** The key api-gateway seals webhook secrets with (32 bytes, base64). Empty: the one kept in the database. */
  @Matches(/^$|^[A-Za-z0-9+/_-]{43}=?$/, { message: 'SECRETS_ENCRYPTION_KEY must be 32 bytes, base64' })
  SECRETS_ENCRYPTION_KEY = '';

  /**
   * Comma-separated CIDRs (or `loopback`, `private`) a target may resolve to although they are
   * loopback, private, link-local or metadata addresses. Empty: every such target is refused.
   */
  @IsString()
  WEBHOOK_ALLOWED_TARGETS = '';

  /** One attempt's limit, connect to last byte. */
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** Attempts before a delivery is dead-lettered. */
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_ATTEMPTS = 8;

  /** Age of the event after which a failing delivery is dead-lettered whatever its attempts. */
  @IsInt()
  @Min(1000)
  WEBHOOK_MAX_AGE_MS = 24 * 3600 * 1000;

  /** First retry delay; each further one doubles, with full jitter, up to WEBHOOK_RETRY_MAX_MS. */
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_BASE_MS = 1000;

  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_MAX_MS = 10 * 60 * 1000;

  /** Requests in flight to one target (scheme, host and port) at a time. */
  @IsInt()
  @Min(1)
  WEBHOOK_CONCURRENCY_PER_TARGET = 32;

  /** Consecutive failures that open a target's circuit, and how long it stays open. */
  @IsInt()
  @Min(1)
  WEBHOOK_CIRCUIT_FAILURES = 5;

  @IsInt()
  @Min(100)
  WEBHOOK_CIRCUIT_OPEN_MS = 30_000;

  /** How often due retries (and deliveries a stopped replica held) are looked for. */
  @IsInt()
  @Min(10)
  WEBHOOK_POLL_INTERVAL_MS = 500;

  /** Base URL of the API, for links in Slack messages and GitHub statuses. */
  @IsString()
  WEBHOOK_LINK_BASE_URL = 'http://127.0.0.1:3000';

  /**
   * Events each replica takes from the stream at once; the delivery rows of those that arrive
   * together are inserted in one statement. 1: one event at a time, in order.
   */
  @IsInt()
  @Min(1)
  WEBHOOK_EVENTS_IN_FLIGHT = 256;

  /** The durable JetStream consumer every replica shares (one name per deployment). */
  @IsString()
  WEBHOOK_CONSUMER_NAME = 'webhook-service';
}

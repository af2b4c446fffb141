import { CommonConfig } from '@envoy-fleet/config';
import { IsEmail, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** api-gateway settings, from the environment. Empty strings mean "not set". */
export class ApiConfig extends CommonConfig {
  override HTTP_PORT = 3000;

  /**
   * PostgreSQL as the non-superuser application role (row-level security applies), e.g.
   * postgres://fleet_app@127.0.0.1:5432/fleet. Empty: the embedded PGlite in FLEET_DATA_DIR.
   */
  @IsString()
  DATABASE_URL = '';

  /**
   * Connections to PostgreSQL per pool (one pool for writes and transactions, one for hot reads).
   * Raise it with PostgreSQL's max_connections in mind: each replica opens up to twice this.
   */
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  /** NATS with JetStream, e.g. nats://127.0.0.1:4222. Empty: the in-process event bus. */
  @IsString()
  NATS_URL = '';

  /** Redis for the cache and rate limits, shared by replicas. Empty: in-process. */
  @IsString()
  REDIS_URL = '';

  @IsIn(['HS256', 'RS256'])
  JWT_ALGORITHM = 'HS256';

  /** HS256 signing secret; when empty a random one is made at boot (tokens then die with the process). */
  @IsString()
  JWT_SECRET = '';

  /** RS256: PEM public key to verify tokens, and private key to issue them. */
  @IsString()
  JWT_PUBLIC_KEY = '';

  @IsString()
  JWT_PRIVATE_KEY = '';

  @IsString()
  JWT_ISSUER = 'envoy-fleet';

  @IsString()
  JWT_AUDIENCE = 'envoy-fleet-api';

  @IsInt()
  @Min(60)
  JWT_TTL_SECONDS = 3600;

  /** The first platform admin, created at boot if missing. */
  @IsEmail({ require_tld: false })
  ADMIN_EMAIL = 'admin@fleet.local';

  /** When empty, a password is generated and printed once, when the admin is created. */
  @IsString()
  ADMIN_PASSWORD = '';

  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 500;

  /**
   * Signs proxy tokens (xds-server must have the same). Empty: a key made once and kept in the
   * database, which every replica reads.
   */
  @IsString()
  PROXY_TOKEN_SECRET = '';

  /** host:port of xds-server as proxies reach it, written into the bootstraps the API hands out. */
  @IsString()
  XDS_ADVERTISED_ADDRESS = '127.0.0.1:18000';

  /** metrics-service's HTTP address, where `GET /v1/signals` reads the tenant's traffic signals. */
  @IsString()
  METRICS_SERVICE_URL = 'http://127.0.0.1:3003';

  /** host:port of metrics-service's StreamMetrics sink, for the bootstraps' stats sink. */
  @IsString()
  METRICS_ADVERTISED_ADDRESS = '127.0.0.1:18001';

  /**
   * How long a verified API key is trusted without looking it up again; a revocation reaches the
   * other replicas by its event sooner, and within this time at the latest.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  API_KEY_CACHE_MS = 3_000;

  /** Token requests allowed per account (email or API key) per minute; more get 429. */
  @IsInt()
  @Min(1)
  LOGIN_ATTEMPTS_PER_MINUTE = 20;

  /**
   * AES-256-GCM key (32 bytes, base64) sealing webhook secrets; webhook-service needs the same.
   * Empty: a key made once and kept in the database (set it in production).
   */
  @Matches(/^$|^[A-Za-z0-9+/_-]{43}=?$/, { message: 'SECRETS_ENCRYPTION_KEY must be 32 bytes, base64' })
  SECRETS_ENCRYPTION_KEY = '';

  /** The `fleet.v1` gRPC API (proto/fleet/v1): same auth, roles and validation as REST. 0: not served. */
  @IsInt()
  @Min(0)
  @Max(65535)
  API_GRPC_PORT = 0;

  /** Where the gRPC API listens. */
  @IsString()
  API_GRPC_HOST = '0.0.0.0';

  /** Default quotas of every tenant (a platform admin overrides them per tenant): objects of each kind. */
  @IsInt()
  @Min(0)
  QUOTA_PROXIES = 1000;

  @IsInt()
  @Min(0)
  QUOTA_CLUSTERS = 1000;

  @IsInt()
  @Min(0)
  QUOTA_LISTENERS = 1000;

  @IsInt()
  @Min(0)
  QUOTA_ROUTE_CONFIGURATIONS = 1000;

  @IsInt()
  @Min(0)
  QUOTA_SECRETS = 1000;

  /** API requests per second per tenant, counted across replicas in the shared store. 0: unlimited. */
  @IsInt()
  @Min(0)
  QUOTA_REQUESTS_PER_SECOND = 1000;

  /** How long a cached GET of a tenant's config object or list may be served. 0: no read cache. */
  @IsInt()
  @Min(0)
  READ_CACHE_TTL_MS = 30_000;

  /** Interval of heartbeats on `/v1/events` streams (SSE comments, WebSocket pings). */
  @IsInt()
  @Min(100)
  EVENTS_HEARTBEAT_MS = 15_000;

  /**
   * Origins allowed to call the API from a browser (CORS), comma-separated, e.g.
   * `https://fleet.example.com`; `*` allows any. Empty: no cross-origin access.
   */
  @Matches(/^$|^\*$|^https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*$/, {
    message: 'CORS_ALLOWED_ORIGINS must be empty, * or comma-separated http(s) origins',
  })
  CORS_ALLOWED_ORIGINS = '';

  /** Responses at least this big (bytes) are compressed when the client accepts gzip, deflate or br. */
  @IsInt()
  @Min(0)
  COMPRESSION_THRESHOLD_BYTES = 1024;

  /** How long a POST's Idempotency-Key is remembered (and its response replayed), in seconds. */
  @IsInt()
  @Min(60)
  IDEMPOTENCY_TTL_SECONDS = 86_400;
}

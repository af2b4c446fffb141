import { CommonConfig } from '@envoy-fleet/config';
import { IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

/** Envoy stats exported by default: request and connection counts, and the server's own. */
export const DEFAULT_STAT_ALLOWLIST = [
  'cluster.*.upstream_rq_*',
  'cluster.*.upstream_cx_connect_fail',
  'cluster.*.membership_healthy',
  'cluster.*.membership_total',
  'http.*.downstream_rq_*',
  'listener.*.downstream_cx_*',
  'server.*',
].join(',');

/** metrics-service settings, from the environment. */
export class MetricsConfig extends CommonConfig {
  override HTTP_PORT = 3003;

  /** NATS with JetStream, e.g. nats://127.0.0.1:4222. Empty: the in-process event bus. */
  @IsString()
  NATS_URL = '';

  /**
   * PostgreSQL as the application role, to find the tenant of a node id. Empty: the embedded
   * PGlite in FLEET_DATA_DIR (shared with the other apps of a one-process run).
   */
  @IsString()
  DATABASE_URL = '';

  /** Verifies proxy tokens (api-gateway signs them with the same). Empty: the key kept in the database. */
  @IsString()
  PROXY_TOKEN_SECRET = '';

  /** The gRPC port Envoy's `metrics_service` stats sink streams to. */
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_GRPC_PORT = 18001;

  @IsString()
  @IsNotEmpty()
  METRICS_GRPC_HOST = '0.0.0.0';

  /** Comma-separated Envoy stat names to keep, `*` matching any characters; the rest is dropped. */
  @IsString()
  @Matches(/^\s*[^,\s]+(\s*,\s*[^,\s]+)*\s*$/, {
    message: 'METRICS_STAT_ALLOWLIST must be comma-separated names',
  })
  METRICS_STAT_ALLOWLIST = DEFAULT_STAT_ALLOWLIST;

  /** Series one proxy may have on /metrics; a stream that goes beyond is ended (RESOURCE_EXHAUSTED). */
  @IsInt()
  @Min(1)
  METRICS_MAX_SERIES_PER_PROXY = 2000;

  /** How long a proxy's stats stay on /metrics after its last stream ended (reconnects keep them). */
  @IsInt()
  @Min(0)
  METRICS_STREAM_GRACE_MS = 60_000;

  /** How long the tenant of a node id (or its absence) is remembered before asking the database again. */
  @IsInt()
  @Min(0)
  METRICS_NODE_CACHE_TTL_MS = 60_000;

  /** A proxy whose pushed config is neither ACKed nor NACKed within this long counts as stale. */
  @IsInt()
  @Min(1)
  METRICS_PROXY_STALE_AFTER_MS = 60_000;
}

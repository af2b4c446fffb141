import { CommonConfig } from '@envoy-fleet/config';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** xds-server settings, from the environment. */
export class XdsConfig extends CommonConfig {
  /** Health, readiness and metrics. */
  override HTTP_PORT = 3001;

  /** The ADS gRPC port proxies connect to. */
  @IsInt()
  @Min(0)
  @Max(65535)
  XDS_PORT = 18000;

  @IsString()
  XDS_HOST = '0.0.0.0';

  /**
   * PostgreSQL as the non-superuser application role (row-level security applies), e.g.
   * postgres://fleet_app@127.0.0.1:5432/fleet. Empty: the embedded PGlite in FLEET_DATA_DIR.
   */
  @IsString()
  DATABASE_URL = '';

  /** NATS with JetStream, e.g. nats://127.0.0.1:4222. Empty: the in-process event bus. */
  @IsString()
  NATS_URL = '';

  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 500;

  /** A tenant's push waits for this much quiet after its last write, so a burst becomes one push. */
  @IsInt()
  @Min(0)
  XDS_PUSH_QUIET_MS = 50;

  /** ...but no longer than this after the burst's first write. */
  @IsInt()
  @Min(0)
  XDS_PUSH_MAX_DELAY_MS = 500;

  /** New streams admitted per second (a reconnect storm is spread out); 0 for no limit. */
  @IsInt()
  @Min(0)
  XDS_MAX_NEW_STREAMS_PER_SECOND = 500;

  /**
   * Connections older than this get a GOAWAY, so proxies spread over replicas again; they
   * reconnect and, versions being content hashes, are not pushed again. 0 for never.
   */
  @IsInt()
  @Min(0)
  XDS_MAX_CONNECTION_AGE_MS = 30 * 60 * 1000;

  /** How long streams may finish after the GOAWAY before the connection is closed. */
  @IsInt()
  @Min(0)
  XDS_MAX_CONNECTION_AGE_GRACE_MS = 10_000;

  /** Port of CSDS (ClientStatusDiscoveryService), which shows every tenant's proxies; -1 turns it off. */
  @IsInt()
  @Min(-1)
  @Max(65535)
  XDS_CSDS_PORT = 18002;

  /** CSDS bind address: loopback, for operators on the host, unless you put it behind access control. */
  @IsString()
  XDS_CSDS_HOST = '127.0.0.1';

  /** PEM certificate chain and key for TLS on the ADS port; both empty means plaintext. */
  @IsString()
  XDS_TLS_CERT_FILE = '';

  @IsString()
  XDS_TLS_KEY_FILE = '';

  /** PEM CA bundle: when set, proxies must present a client certificate it signed (mutual TLS). */
  @IsString()
  XDS_TLS_CLIENT_CA_FILE = '';

  /** Verifies proxy tokens (api-gateway must sign with the same). Empty: the key kept in the database. */
  @IsString()
  PROXY_TOKEN_SECRET = '';

  /**
   * AES-256-GCM key (32 bytes, base64) api-gateway seals TLS private keys with; xds-server opens
   * them for SDS. Empty: the key kept in the database (set the same value as api-gateway's).
   */
  @Matches(/^$|^[A-Za-z0-9+/_-]{43}=?$/, { message: 'SECRETS_ENCRYPTION_KEY must be 32 bytes, base64' })
  SECRETS_ENCRYPTION_KEY = '';
}

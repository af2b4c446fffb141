import { CommonConfig } from '@envoy-fleet/config';
import { IsInt, IsString, Max, Min } from 'class-validator';

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
}

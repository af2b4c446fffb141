import { IsIn, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';

/** Settings every app shares; each app's config class extends this. */
export class CommonConfig {
  /** Port of the app's HTTP server (health, readiness, metrics, and the API where there is one). */
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3000;

  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL = 'log';

  /** `json`: one JSON object per line with the trace id (for containers); `text`: for a terminal. */
  @IsIn(['json', 'text'])
  LOG_FORMAT: 'json' | 'text' = 'json';

  /** OTLP/HTTP (protobuf) collector base URL, e.g. `http://otel-collector:4318`; empty: no span export. */
  @IsString()
  OTEL_EXPORTER_OTLP_ENDPOINT = '';

  /** `service.name` of exported spans and the `app` of JSON log lines; empty: the app's name. */
  @IsString()
  OTEL_SERVICE_NAME = '';

  /**
   * Where the embedded stand-ins keep their data when no server is configured: PGlite in
   * `<dir>/postgres`, the in-process event bus in `<dir>/events`. Relative to the working folder.
   */
  @IsString()
  @IsNotEmpty()
  FLEET_DATA_DIR = '.fleet';
}

import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';

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
}

import { CommonConfig, ConfigClass, loadConfig } from '@envoy-fleet/config';
import { DynamicModule, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppMetrics } from './metrics';
import { recordHttpMetrics } from './http-metrics';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface HttpAppOptions {
  host: string;
  port: number;
  logLevel: string;
  /** Extra setup (pipes, filters, plugins) before the app listens. */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

/** Creates a NestJS app on Fastify with HTTP metrics and shutdown hooks, and starts listening. */
export async function startHttpApp(
  module: Type<unknown> | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const upTo = LEVELS.indexOf(options.logLevel as LogLevel);
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    logger: LEVELS.slice(0, upTo < 0 ? 4 : upTo + 1),
  });
  app.enableShutdownHooks();
  recordHttpMetrics(app.getHttpAdapter().getInstance(), app.get(AppMetrics));
  await options.configure?.(app);
  await app.listen(options.port, options.host);
  return app;
}

/**
 * An app's whole `main`: reads the environment once into `configClass`, starts the module built
 * from it, and exits with the error if either fails (a bad variable is named in the message).
 */
export function runApp<C extends CommonConfig>(
  configClass: ConfigClass<C>,
  moduleFor: (config: C) => DynamicModule,
  configure?: HttpAppOptions['configure'],
): void {
  const start = async () => {
    const config = loadConfig(configClass, process.env);
    await startHttpApp(moduleFor(config), {
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      logLevel: config.LOG_LEVEL,
      ...(configure ? { configure } : {}),
    });
  };
  start().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

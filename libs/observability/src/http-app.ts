import { CommonConfig, ConfigClass, loadConfig } from '@envoy-fleet/config';
import { DynamicModule, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppMetrics } from './metrics';
import { recordHttpMetrics } from './http-metrics';
import { traceHttpRequests } from './http-tracing';
import { JsonLogger } from './json-logger';
import { flushTracing, startTracing } from './tracing';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface HttpAppOptions {
  /** The app's name, on its spans (`fleet.app`). */
  name: string;
  host: string;
  port: number;
  logLevel: string;
  /** `json`: one JSON object per line with trace ids (JsonLogger); `text`: Nest's console format. */
  logFormat?: 'json' | 'text';
  /** `app` field of JSON log lines. */
  serviceName?: string;
  /** Close on SIGTERM/SIGINT (default true). */
  shutdownHooks?: boolean;
  /** Extra setup (pipes, filters, plugins) before the app listens. */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

/** Creates a NestJS app on Fastify with HTTP metrics and shutdown hooks, and starts listening. */
export async function startHttpApp(
  module: Type<unknown> | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const upTo = LEVELS.indexOf(options.logLevel as LogLevel);
  const levels = LEVELS.slice(0, upTo < 0 ? 4 : upTo + 1);
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    logger:
      options.logFormat === 'json' ? new JsonLogger(options.serviceName ?? options.name, levels) : levels,
  });
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  traceHttpRequests(fastify, options.name);
  fastify.addHook('onClose', () => flushTracing());
  recordHttpMetrics(fastify, app.get(AppMetrics));
  await options.configure?.(app);
  await app.listen(options.port, options.host);
  return app;
}

/** One app of the fleet: its config class, its module, and its extra HTTP setup. */
export interface AppDefinition<C extends CommonConfig = CommonConfig> {
  name: string;
  configClass: ConfigClass<C>;
  moduleFor: (config: C) => DynamicModule;
  configure?: HttpAppOptions['configure'];
}

/** Declares an app (keeps the config type flowing from the class to `moduleFor`). */
export function defineApp<C extends CommonConfig>(definition: AppDefinition<C>): AppDefinition<C> {
  return definition;
}

/**
 * Validates `env` into the app's config and starts it. `shutdownHooks: false` when something
 * else (the one-process runner) closes the app on a signal.
 */
export async function startApp<C extends CommonConfig>(
  definition: AppDefinition<C>,
  env: Record<string, string | undefined>,
  { shutdownHooks = true } = {},
): Promise<{ app: NestFastifyApplication; config: C }> {
  const config = loadConfig(definition.configClass, env);
  const serviceName = config.OTEL_SERVICE_NAME || definition.name;
  // The first app of a process sets it up; `npm start` names the process `envoy-fleet`.
  startTracing({ serviceName, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const app = await startHttpApp(definition.moduleFor(config), {
    name: definition.name,
    serviceName,
    logFormat: config.LOG_FORMAT,
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
    shutdownHooks,
    ...(definition.configure ? { configure: definition.configure } : {}),
  });
  return { app, config };
}

/** An app's whole `main`: starts it from the environment, or exits naming what failed. */
export function runApp<C extends CommonConfig>(definition: AppDefinition<C>): void {
  startApp(definition, process.env).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

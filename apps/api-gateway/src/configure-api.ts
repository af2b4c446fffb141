import compress from '@fastify/compress';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiConfig } from './api-config';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { stampRequestIds } from './common/request-context';
import { createValidationPipe } from './common/validation';
import { serveApiDocs } from './docs/api-docs';
import { recordIdempotentResponses } from './idempotency/idempotency.interceptor';
import { IdempotencyService } from './idempotency/idempotency.service';
import { REPLAYED_HEADER } from './idempotency/idempotent-replay';
import { TenantRequestRate } from './quotas/tenant-request-rate';
import { CACHE_STATUS_HEADER, serveCachedReads } from './read-cache/cached-read.hook';
import { CONFIG_VERSION_HEADER } from './config-changes/etag';
import { directReads } from './read-cache/direct-reads';
import { TenantReadCache } from './read-cache/tenant-read-cache';

/**
 * The API's request handling: request and trace ids on every response, CORS, compression,
 * Idempotency-Key on POST, GETs of config objects answered before the router, validated input, every error
 * as problem+json, and the OpenAPI docs.
 */
export async function configureApi(app: NestFastifyApplication): Promise<void> {
  const config = app.get(ApiConfig);
  const fastify = app.getHttpAdapter().getInstance();
  stampRequestIds(fastify);
  // Before compression: the kept response is the plain body.
  recordIdempotentResponses(fastify, app.get(IdempotencyService));
  serveCachedReads(fastify, app.get(TenantReadCache), app.get(TenantRequestRate), directReads(app));
  const origins = config.CORS_ALLOWED_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length > 0) {
    app.enableCors({
      origin: origins.includes('*') ? true : origins,
      // Every method the API has: @fastify/cors allows only GET, HEAD and POST unless told.
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: [
        'X-Request-Id',
        'X-Trace-Id',
        'traceparent',
        'ETag',
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        CONFIG_VERSION_HEADER,
        CACHE_STATUS_HEADER,
        REPLAYED_HEADER,
      ],
      maxAge: 600,
    });
  }
  // Registered before any route (Nest's and the docs'), so it covers them all.
  await app.register(compress, {
    threshold: config.COMPRESSION_THRESHOLD_BYTES,
    encodings: ['br', 'gzip', 'deflate'],
    globalDecompression: false,
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  serveApiDocs(app);
}

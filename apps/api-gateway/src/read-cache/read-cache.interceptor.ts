import { Principal } from '@envoy-fleet/domain';
import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap, tap } from 'rxjs';
import { entityTagOf, revisionOfBody } from '../concurrency/entity-tags';
import { CACHE_STATUS_HEADER, isCachedRoute, lookUpOnce } from './cached-read.hook';
import { TenantReadCache } from './tenant-read-cache';

/**
 * Cache-aside for GETs of the tenant's config objects and lists: stores what a miss computed (a hit
 * is normally answered earlier, by serveCachedReads). Proxies are not cached: their connection
 * state changes without an event to invalidate on.
 */
@Injectable()
export class ReadCacheInterceptor implements NestInterceptor {
  private readonly logger = new Logger(ReadCacheInterceptor.name);

  constructor(private readonly cache: TenantReadCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.cache.enabled) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: Principal }>();
    const principal = request.user;
    if (request.method !== 'GET' || !principal || !isCachedRoute(request.routeOptions.url)) {
      return next.handle();
    }
    const reply = http.getResponse<FastifyReply>();
    return from(lookUpOnce(this.cache, request, principal)).pipe(
      switchMap(({ generation, cached, variant }) => {
        if (cached) {
          void reply.headers({ ...cached.headers, [CACHE_STATUS_HEADER]: 'hit' });
          return of(cached.body);
        }
        const before = new Set(Object.keys(reply.getHeaders()));
        return next.handle().pipe(
          tap((body) => {
            if (generation === undefined) return;
            void reply.header(CACHE_STATUS_HEADER, 'miss');
            void this.store(principal.tenantId, generation, variant, body, reply, before);
          }),
        );
      }),
    );
  }

  private async store(
    tenantId: string,
    generation: string,
    variant: string,
    body: unknown,
    reply: FastifyReply,
    before: Set<string>,
  ): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (!before.has(name) && typeof value === 'string') headers[name] = value;
    }
    const revision = revisionOfBody(body);
    if (revision !== undefined) headers['etag'] = entityTagOf(revision);
    delete headers[CACHE_STATUS_HEADER];
    try {
      await this.cache.put(tenantId, generation, variant, { body: JSON.stringify(body), headers });
    } catch (error) {
      this.logger.warn(`read cache not written: ${error instanceof Error ? error.message : error}`);
    }
  }
}

import { Principal } from '@envoy-fleet/domain';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap, tap } from 'rxjs';
import {
  CACHE_STATUS_HEADER,
  isCachedRoute,
  lookUpOnce,
  responseHeaders,
  storeResponse,
} from './cached-read.hook';
import { TenantReadCache } from './tenant-read-cache';

/**
 * Cache-aside for GETs of the tenant's config objects and lists: stores what a miss computed (a hit
 * is normally answered earlier, by serveCachedReads). Proxies are not cached: their connection
 * state changes without an event to invalidate on.
 */
@Injectable()
export class ReadCacheInterceptor implements NestInterceptor {
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
            // The headers the handler set (a config version, say), with the type and ETag.
            const set: Record<string, string> = {};
            for (const [name, value] of Object.entries(reply.getHeaders())) {
              if (!before.has(name) && typeof value === 'string') set[name] = value;
            }
            void storeResponse(
              this.cache,
              principal.tenantId,
              generation,
              variant,
              body,
              responseHeaders(body, set),
            );
          }),
        );
      }),
    );
  }
}

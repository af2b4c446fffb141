import { Principal } from '@envoy-fleet/domain';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateNow } from '../auth/request-credentials';
import { entityTagOf, revisionOfBody } from '../concurrency/entity-tags';
import { TenantRequestRate } from '../quotas/tenant-request-rate';
import { CachedResponse, TenantReadCache } from './tenant-read-cache';

/** Routes whose GETs are cached: the tenant's config objects, which change only through its writes. */
const CACHED_ROUTES = ['/v1/clusters', '/v1/listeners', '/v1/route-configurations', '/v1/secrets'];

/** Says whether a response came from the cache (`hit`) or was computed and stored (`miss`). */
export const CACHE_STATUS_HEADER = 'x-fleet-cache';

/** What one request's cache look-up found; `generation` undefined when the cache was unreachable. */
export interface CacheLookUp {
  generation: string | undefined;
  cached: CachedResponse | undefined;
  variant: string;
}

const logger = new Logger('ReadCache');
const lookUps = new WeakMap<object, Promise<CacheLookUp>>();

/** Whether GETs of this route pattern are cached. */
export function isCachedRoute(route: string | undefined): boolean {
  return (
    route !== undefined && CACHED_ROUTES.some((prefix) => route === prefix || route.startsWith(`${prefix}/:`))
  );
}

/**
 * The request's cache look-up, made once per request (by the hook, else by the interceptor). The
 * key holds the tenant, the caller's roles (a view may depend on them) and the URL with its query.
 * A failing cache is a miss that is not stored, not an error.
 */
export function lookUpOnce(
  cache: TenantReadCache,
  request: FastifyRequest,
  principal: Principal,
): Promise<CacheLookUp> {
  let lookUp = lookUps.get(request);
  if (!lookUp) {
    const variant = `${[...principal.roles].sort().join(',')}:${request.url}`;
    lookUp = cache.generation(principal.tenantId).then(
      async (generation) => ({
        generation,
        cached: await cache.get(principal.tenantId, generation, variant),
        variant,
      }),
      (error: unknown) => {
        logger.warn(`read cache unavailable: ${error instanceof Error ? error.message : error}`);
        return { generation: undefined, cached: undefined, variant };
      },
    );
    lookUps.set(request, lookUp);
  }
  return lookUp;
}

/** Reads one object for a GET route (`/v1/clusters/:name` and the like) from its path parameters. */
export type DirectRead = (principal: Principal, params: Record<string, string>) => Promise<unknown>;

/**
 * Answers GETs of the tenant's config objects before they reach Nest's router. A cache hit needs
 * only the token (verified tokens are remembered), the request-rate count and the look-up; a miss
 * of a route in `directReads` is read by its service here and stored. Both skip guards, pipes,
 * interceptors and the handler, which Nest runs for every request at a cost several times that of
 * a hit. RBAC still holds: every role may read these routes (`direct-reads.spec.ts` checks the
 * controllers agree), and a cache entry is keyed by the caller's roles. Anything else (no or bad
 * token, over the quota, a failed read such as a missing object, a route without a direct read)
 * goes on to Nest unchanged, which reuses the count and the look-up made here and answers it.
 */
export function serveCachedReads(
  fastify: FastifyInstance,
  cache: TenantReadCache,
  rate: TenantRequestRate,
  directReads: ReadonlyMap<string, DirectRead>,
): void {
  fastify.addHook(
    'preHandler',
    async (request: FastifyRequest & { user?: Principal }, reply: FastifyReply) => {
      if (request.method !== 'GET') return;
      const route = request.routeOptions.url;
      const cached = cache.enabled && isCachedRoute(route);
      const read = route === undefined ? undefined : directReads.get(route);
      if (!cached && !read) return;
      let principal: Principal;
      try {
        principal = authenticateNow(request.headers);
      } catch {
        return; // JwtAuthGuard answers it with the reason (or after an API key's look-up)
      }
      // Both at once (one round trip's wait, not two); a refused request's look-up is just unused.
      const looked = cached ? lookUpOnce(cache, request, principal) : undefined;
      let counted;
      try {
        counted = await rate.countOnce(request, principal.tenantId);
      } catch {
        return; // RequestRateInterceptor answers it (429), from the same count
      }
      const found = await looked;
      let body: unknown;
      if (found?.cached) {
        void reply.headers({ ...found.cached.headers, [CACHE_STATUS_HEADER]: 'hit' });
        body = found.cached.body;
      } else if (read) {
        try {
          body = await read(principal, request.params as Record<string, string>);
        } catch {
          return; // the handler reads again and answers the error as Nest does
        }
        const headers = responseHeaders(body);
        void reply.headers(headers);
        if (found?.generation !== undefined) {
          void reply.header(CACHE_STATUS_HEADER, 'miss');
          void storeResponse(cache, principal.tenantId, found.generation, found.variant, body, headers);
        }
      } else {
        return;
      }
      if (counted) {
        void reply
          .header('ratelimit-limit', String(counted.limit))
          .header('ratelimit-remaining', String(counted.remaining));
      }
      return reply.code(200).send(body);
    },
  );
}

/** The headers a GET of `body` gets besides the common ones: its type, and its ETag when revisioned. */
export function responseHeaders(body: unknown, set: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...set };
  const revision = revisionOfBody(body);
  if (revision !== undefined) headers['etag'] = entityTagOf(revision);
  return headers;
}

/** Keeps a computed GET response for the next reader; a cache that fails is logged, not thrown. */
export async function storeResponse(
  cache: TenantReadCache,
  tenantId: string,
  generation: string,
  variant: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<void> {
  const kept = { ...headers };
  delete kept[CACHE_STATUS_HEADER];
  try {
    await cache.put(tenantId, generation, variant, { body: JSON.stringify(body), headers: kept });
  } catch (error) {
    logger.warn(`read cache not written: ${error instanceof Error ? error.message : error}`);
  }
}

import { Principal } from '@envoy-fleet/domain';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { activeJwtStrategy, bearerToken } from '../auth/jwt.strategy';
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

/**
 * Answers a cached GET before it reaches Nest's router: a cache hit needs only the token (verified
 * tokens are remembered), the request-rate count and the look-up, so it skips guards, pipes,
 * interceptors and the handler, which Nest runs for every request at a cost several times that of
 * the hit itself. RBAC still holds: an entry is keyed by the caller's roles and was stored by a
 * request with those roles that passed the route's guards. Anything else (no or bad token, over
 * the quota, a miss) goes on to Nest unchanged, which reuses the count and the look-up made here.
 */
export function serveCachedReads(
  fastify: FastifyInstance,
  cache: TenantReadCache,
  rate: TenantRequestRate,
): void {
  if (!cache.enabled) return;
  fastify.addHook(
    'preHandler',
    async (request: FastifyRequest & { user?: Principal }, reply: FastifyReply) => {
      if (request.method !== 'GET' || !isCachedRoute(request.routeOptions.url)) return;
      let principal: Principal;
      try {
        principal = activeJwtStrategy().authenticate(bearerToken(request.headers.authorization));
      } catch {
        return; // JwtAuthGuard answers it with the reason
      }
      // Both at once (one round trip's wait, not two); a refused request's look-up is just unused.
      const looked = lookUpOnce(cache, request, principal);
      let counted;
      try {
        counted = await rate.countOnce(request, principal.tenantId);
      } catch {
        return; // RequestRateInterceptor answers it (429), from the same count
      }
      const { cached } = await looked;
      if (!cached) return;
      if (counted) {
        void reply
          .header('ratelimit-limit', String(counted.limit))
          .header('ratelimit-remaining', String(counted.remaining));
      }
      void reply.headers({ ...cached.headers, [CACHE_STATUS_HEADER]: 'hit' });
      return reply.code(200).send(cached.body);
    },
  );
}

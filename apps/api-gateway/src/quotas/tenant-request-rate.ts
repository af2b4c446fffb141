import { RATE_LIMITER, type RateLimiter } from '@envoy-fleet/cache';
import { DomainError } from '@envoy-fleet/domain';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TenantQuotasService } from './tenant-quotas.service';

const WINDOW_MS = 1000;

/** Where a tenant stands against its request rate after one request. */
export interface RequestRateCount {
  limit: number;
  remaining: number;
}

/**
 * The per-tenant requests-per-second quota, counted in the shared store (Redis), so every
 * api-gateway replica counts against one limit.
 */
@Injectable()
export class TenantRequestRate {
  private readonly logger = new Logger(TenantRequestRate.name);
  private storeFailing = false;
  private readonly counts = new WeakMap<object, Promise<RequestRateCount | undefined>>();

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly quotas: TenantQuotasService,
  ) {}

  /**
   * count(), once per request: the read-cache hook may count a request before Nest's interceptor
   * sees it, and the interceptor then reuses that count (or its 429) rather than counting twice.
   */
  countOnce(request: object, tenantId: string): Promise<RequestRateCount | undefined> {
    let counted = this.counts.get(request);
    if (!counted) {
      counted = this.count(tenantId);
      this.counts.set(request, counted);
    }
    return counted;
  }

  /**
   * Counts one request of the tenant; RESOURCE_EXHAUSTED (429 with Retry-After) past its quota.
   * Undefined when nothing was counted: no limit, or the store is unreachable (the API stays up
   * while Redis is away: requests go uncounted rather than all failing).
   */
  async count(tenantId: string): Promise<RequestRateCount | undefined> {
    const limit = (await this.quotas.limits(tenantId)).requestsPerSecond;
    if (limit === 0) return undefined;
    let result;
    try {
      result = await this.limiter.hit(`tenant-requests:${tenantId}`, limit, WINDOW_MS);
    } catch (error) {
      if (!this.storeFailing) {
        this.logger.warn(`request rates not counted: ${error instanceof Error ? error.message : error}`);
      }
      this.storeFailing = true;
      return undefined;
    }
    if (this.storeFailing) this.logger.log('request rates are counted again');
    this.storeFailing = false;
    if (!result.allowed) {
      throw DomainError.rateLimited(
        `quota exceeded: at most ${limit} requests per second for this tenant`,
        result.retryAfterMs,
      );
    }
    return { limit, remaining: result.remaining };
  }
}

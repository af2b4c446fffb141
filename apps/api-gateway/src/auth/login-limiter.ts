import { RATE_LIMITER, type RateLimiter } from '@envoy-fleet/cache';
import { DomainError } from '@envoy-fleet/domain';
import { Inject, Injectable } from '@nestjs/common';
import { ApiConfig } from '../api-config';

const WINDOW_MS = 60_000;

/**
 * Caps token requests per account (email or API key prefix) per minute, so a password cannot be
 * guessed at speed. Counted in the shared store: every api-gateway replica sees the same count.
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly config: ApiConfig,
  ) {}

  /** Counts one attempt on `account`; throws RESOURCE_EXHAUSTED (429 with Retry-After) past the limit. */
  async attempt(account: string): Promise<void> {
    const limit = this.config.LOGIN_ATTEMPTS_PER_MINUTE;
    const result = await this.limiter.hit(`login:${account}`, limit, WINDOW_MS);
    if (!result.allowed) {
      throw DomainError.rateLimited(
        `too many token requests for this account; at most ${limit} a minute`,
        result.retryAfterMs,
      );
    }
  }
}

import { DomainError } from '@envoy-fleet/domain';

/**
 * A token bucket over new streams: after a control-plane restart every proxy reconnects at once,
 * and admitting them at a steady rate (the rest told UNAVAILABLE, which proxies retry with
 * backoff) keeps the database and the process from being swamped.
 */
export class StreamAdmissionRate {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perSecond;
    this.updatedAt = now();
  }

  /** Takes one new stream's place, or throws UNAVAILABLE when the rate is used up. */
  take(): void {
    if (this.perSecond <= 0) return;
    const now = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) {
      throw new DomainError('UNAVAILABLE', 'too many new xDS streams right now; retry with backoff');
    }
    this.tokens -= 1;
  }
}

import { RateLimitResult } from './key-value-store';

// Argument checks and result arithmetic shared by both stores, so they cannot drift apart.

/** A ttl or window length as whole milliseconds (Redis PX and PEXPIRE take integers). */
export function wholePositiveMs(name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${ms}`);
  }
  return Math.ceil(ms);
}

/** Checks a rate limit: a whole number of hits, at least 1. */
export function requirePositiveLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a whole number of at least 1, got ${limit}`);
  }
}

/** The result of a hit that made the window's count `count`, with `windowLeftMs` left in the window. */
export function fixedWindowResult(count: number, limit: number, windowLeftMs: number): RateLimitResult {
  const allowed = count <= limit;
  return {
    allowed,
    limit,
    remaining: Math.max(0, limit - count),
    // A window that is just expiring still makes the caller wait, so Retry-After is never 0 on a refusal.
    retryAfterMs: allowed ? 0 : Math.max(1, windowLeftMs),
  };
}

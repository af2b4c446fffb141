/** When the next attempt of a failed delivery is due, or that there is none. */
export interface RetryPolicyOptions {
  maxAttempts: number;
  maxAgeMs: number;
  baseMs: number;
  maxMs: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Exponential backoff with full jitter (random between half and all of base * 2^(n-1), capped),
 * but never sooner than the receiver's Retry-After; dead-letters past the attempts or age limit.
 */
export function nextRetry(
  options: RetryPolicyOptions,
  attemptsMade: number,
  eventAgeMs: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): RetryDecision {
  if (attemptsMade >= options.maxAttempts) return { retry: false };
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const delayMs = Math.max(jittered, retryAfterMs ?? 0);
  if (eventAgeMs + delayMs > options.maxAgeMs) return { retry: false };
  return { retry: true, delayMs };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

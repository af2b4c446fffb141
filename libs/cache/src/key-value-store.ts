/** A string cache with per-entry time to live; Redis in production, in-process when embedded. */
export interface Cache {
  /** The value, or undefined when the key is missing or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds; ttlMs > 0 required. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes keys; missing keys are fine. */
  delete(...keys: string[]): Promise<void>;
}

/** The outcome of one rate-limited hit. */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Hits still allowed in the current window; never below 0. */
  remaining: number;
  /** 0 when allowed; else ms until the window resets (for Retry-After). */
  retryAfterMs: number;
}

/** Fixed-window counters shared by every replica that uses the same store. */
export interface RateLimiter {
  /** Counts one hit on `key` in the current window of `windowMs`; refused once `limit` hits are counted in the window. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
}

/** One store implementing both, with lifecycle. */
export interface KeyValueStore extends Cache, RateLimiter {
  /** Resolves when the store answers; for readiness checks. */
  ping(): Promise<void>;
  /** Releases the connection (or handle); further calls reject. */
  close(): Promise<void>;
  readonly kind: 'redis' | 'memory';
}

/** Injection token of the app's Cache. */
export const CACHE = Symbol('CACHE');
/** Injection token of the app's RateLimiter. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

import { CircuitBreaker } from './circuit-breaker';
import { nextRetry, parseRetryAfter } from './retry-policy';
import { TargetLimiter } from './target-limiter';

const policy = { maxAttempts: 5, maxAgeMs: 60_000, baseMs: 1000, maxMs: 8000 };

describe('nextRetry', () => {
  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    expect(nextRetry(policy, 1, 0, undefined, () => 0)).toEqual({ retry: true, delayMs: 500 });
    expect(nextRetry(policy, 1, 0, undefined, () => 1)).toEqual({ retry: true, delayMs: 1000 });
    expect(nextRetry(policy, 3, 0, undefined, () => 1)).toEqual({ retry: true, delayMs: 4000 });
    expect(nextRetry(policy, 4, 0, undefined, () => 1)).toEqual({ retry: true, delayMs: 8000 });
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(nextRetry(policy, 1, 0, 30_000, () => 0)).toEqual({ retry: true, delayMs: 30_000 });
  });

  it('gives up after the attempts or the age limit', () => {
    expect(nextRetry(policy, 5, 0)).toEqual({ retry: false });
    expect(nextRetry(policy, 1, 59_900, undefined, () => 1)).toEqual({ retry: false });
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe(CircuitBreaker.name, () => {
  it('opens after consecutive failures, lets one probe through after the pause, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1000, () => now);
    breaker.failed('a');
    expect(breaker.admit('a').ok).toBe(true);
    breaker.failed('a');
    expect(breaker.admit('a').ok).toBe(false);
    expect(breaker.admit('b').ok).toBe(true);
    now = 1001;
    expect(breaker.admit('a').ok).toBe(true);
    expect(breaker.admit('a').ok).toBe(false);
    breaker.succeeded('a');
    expect(breaker.admit('a').ok).toBe(true);
  });
});

describe(TargetLimiter.name, () => {
  it('keeps at most the limit in flight per target', async () => {
    const limiter = new TargetLimiter(2);
    let active = 0;
    let peak = 0;
    const work = () =>
      limiter.run('t', async () => {
        peak = Math.max(peak, ++active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active -= 1;
      });
    await Promise.all(Array.from({ length: 10 }, work));
    expect(peak).toBe(2);
  });
});

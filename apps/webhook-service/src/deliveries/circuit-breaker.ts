/**
 * Per-target circuit breaker: after `failures` consecutive failures the target is skipped for
 * `openMs`; then one attempt is let through (half-open), and its outcome closes or reopens it.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, { failures: number; openUntil: number; probing: boolean }>();

  constructor(
    private readonly failures: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether an attempt to `target` may go now; when not, `retryInMs` says when to try again. */
  admit(target: string): { ok: true } | { ok: false; retryInMs: number } {
    const state = this.states.get(target);
    if (!state || state.failures < this.failures) return { ok: true };
    const wait = state.openUntil - this.now();
    if (wait > 0 || state.probing) return { ok: false, retryInMs: Math.max(wait, 1000) };
    state.probing = true;
    return { ok: true };
  }

  succeeded(target: string): void {
    this.states.delete(target);
  }

  failed(target: string): void {
    const state = this.states.get(target) ?? { failures: 0, openUntil: 0, probing: false };
    state.failures += 1;
    state.probing = false;
    if (state.failures >= this.failures) state.openUntil = this.now() + this.openMs;
    this.states.set(target, state);
  }
}

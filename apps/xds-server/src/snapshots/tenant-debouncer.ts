/** How long to wait for a burst of writes to settle. */
export interface DebounceWindow {
  /** Quiet time after the last change before the push (0: push at once). */
  quietMs: number;
  /** The longest a change waits, however busy its tenant keeps writing. */
  maxDelayMs: number;
}

interface Pending {
  firstAt: number;
  timer: NodeJS.Timeout;
}

/**
 * Coalesces each tenant's changes into one push: a burst becomes one push after `quietMs` of
 * quiet, and no change waits longer than `maxDelayMs`. Tenants have their own timers, so a tenant
 * writing without pause delays nobody else.
 */
export class TenantDebouncer {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly window: DebounceWindow,
    private readonly push: (tenantId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A change of `tenantId`'s config: push it once things settle. */
  changed(tenantId: string): void {
    if (this.window.quietMs <= 0) return this.push(tenantId);
    const pending = this.pending.get(tenantId);
    const firstAt = pending?.firstAt ?? this.now();
    if (pending) clearTimeout(pending.timer);
    const delay = Math.min(this.window.quietMs, Math.max(0, firstAt + this.window.maxDelayMs - this.now()));
    const timer = setTimeout(() => {
      this.pending.delete(tenantId);
      this.push(tenantId);
    }, delay);
    this.pending.set(tenantId, { firstAt, timer });
  }

  /** Tenants with a push waiting. */
  waiting(): number {
    return this.pending.size;
  }

  /** Drops everything waiting (shutdown). */
  cancel(): void {
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
  }

  /** Pushes everything waiting now. */
  flush(): void {
    for (const [tenantId, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(tenantId);
      this.push(tenantId);
    }
  }
}

/** A value and the time (epoch ms) at which it stops being readable. */
export interface ExpiringEntry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A Map whose entries expire, holding at most `maxEntries`: reads skip (and drop) expired entries,
 * `sweep` drops the rest, and a write past the bound evicts the least recently written entry.
 */
export class ExpiringMap<V> {
  // A Map iterates in insertion order, and a write re-inserts its key, so the first key is the
  // least recently written one: eviction is O(1) without a separate queue.
  private readonly entries = new Map<string, ExpiringEntry<V>>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a whole number of at least 1, got ${maxEntries}`);
    }
  }

  /** Entries held, including expired ones not yet swept. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): ExpiringEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every expired entry, so keys that are never read again do not stay in memory. */
  sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

import { ExpiringMap } from './expiring-map';
import { fixedWindowResult, requirePositiveLimit, wholePositiveMs } from './fixed-window';
import { KeyValueStore, RateLimitResult } from './key-value-store';
import { SharedStoreHandle } from './shared-store-handle';

/** Bounds of a MemoryStore. */
export interface MemoryStoreOptions {
  /** Most cache entries held, and separately most rate-limit counters; the least recently written go first. Default 100 000. */
  maxEntries?: number;
  /** How often expired entries that nobody reads again are dropped. Default 30 s. */
  sweepIntervalMs?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

/**
 * The in-process KeyValueStore, for a one-command local run without Redis. It behaves like
 * RedisStore (the contract tests run the same cases on both) but is shared only inside one process.
 */
export class MemoryStore implements KeyValueStore {
  private static sharedStore: MemoryStore | undefined;
  private static sharedHandles = 0;

  readonly kind = 'memory';
  private readonly entries: ExpiringMap<string>;
  /** Hit counts per key; an entry's expiry is the end of its window. */
  private readonly counters: ExpiringMap<number>;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.entries = new ExpiringMap(maxEntries);
    this.counters = new ExpiringMap(maxEntries);
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
    // The sweep is housekeeping: it must not keep the process alive on its own.
    this.sweeper.unref();
  }

  /**
   * A handle on the one process-wide MemoryStore, so apps running in one process share entries
   * and counters as replicas share one Redis. Each handle is closed on its own; the store is
   * dropped when the last handle closes, and the next call starts an empty one.
   */
  static shared(): KeyValueStore {
    const store = (MemoryStore.sharedStore ??= new MemoryStore());
    MemoryStore.sharedHandles += 1;
    return new SharedStoreHandle(store, async () => {
      MemoryStore.sharedHandles -= 1;
      if (MemoryStore.sharedHandles > 0) return;
      MemoryStore.sharedStore = undefined;
      await store.close();
    });
  }

  /** Entries and counters held, including expired ones not yet swept; for tests and metrics. */
  get size(): number {
    return this.entries.size + this.counters.size;
  }

  async get(key: string): Promise<string | undefined> {
    this.assertOpen();
    return this.entries.get(key, Date.now())?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ttl = wholePositiveMs('ttlMs', ttlMs);
    this.assertOpen();
    this.entries.set(key, value, Date.now() + ttl);
  }

  async delete(...keys: string[]): Promise<void> {
    this.assertOpen();
    for (const key of keys) this.entries.delete(key);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    requirePositiveLimit(limit);
    const window = wholePositiveMs('windowMs', windowMs);
    this.assertOpen();
    // No await between the read and the write: the event loop makes this atomic, like the Lua script.
    const now = Date.now();
    const current = this.counters.get(key, now);
    const count = (current?.value ?? 0) + 1;
    const expiresAt = current?.expiresAt ?? now + window;
    this.counters.set(key, count, expiresAt);
    return fixedWindowResult(count, limit, expiresAt - now);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.entries.clear();
    this.counters.clear();
  }

  private sweep(): void {
    const now = Date.now();
    this.entries.sweep(now);
    this.counters.sweep(now);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryStore is closed');
  }
}

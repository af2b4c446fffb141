import { DomainError } from '@envoy-fleet/domain';

/** How a BatchLoader groups its reads and how it rides out a failing database. */
export interface BatchLoaderOptions {
  /** What is read, for the UNAVAILABLE message (e.g. "registered proxies"). */
  what: string;
  /** The most keys one read takes; the rest wait for the next. */
  maxBatch: number;
  /** Waits before each new try of a failed read; after the last, its callers get UNAVAILABLE. */
  retryDelaysMs: readonly number[];
  /** Told of each failed try (the error is not passed on to callers). */
  onFailure?: (error: unknown, attempt: number, keys: number) => void;
}

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Coalesces concurrent reads by key into one read of many keys, one read at a time: the keys asked
 * for while a read runs go into the next one. Under a burst the database sees a few large reads,
 * not one transaction per caller. A failed read is tried again after a wait; if it keeps failing
 * its callers get UNAVAILABLE (proxies retry that with backoff), never a raw error.
 */
export class BatchLoader<K, V> {
  private waiting = new Map<K, Waiter<V>[]>();
  private running = false;
  private scheduled = false;
  /** Reads done so far (for tests and metrics). */
  reads = 0;

  constructor(
    private readonly read: (keys: K[]) => Promise<Map<K, V>>,
    private readonly options: BatchLoaderOptions,
  ) {}

  /** The value of `key`, read together with every other key asked for meanwhile; undefined if absent. */
  get(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // Let the callers of this turn of the event loop join the read.
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running || this.waiting.size === 0) return;
    this.running = true;
    const batch = new Map<K, Waiter<V>[]>();
    for (const [key, waiters] of this.waiting) {
      if (batch.size >= this.options.maxBatch) break;
      batch.set(key, waiters);
      this.waiting.delete(key);
    }
    try {
      const values = await this.readWithRetries([...batch.keys()]);
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(values.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.running = false;
      if (this.waiting.size > 0) this.schedule();
    }
  }

  private async readWithRetries(keys: K[]): Promise<Map<K, V>> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.reads += 1;
        return await this.read(keys);
      } catch (error) {
        this.options.onFailure?.(error, attempt + 1, keys.length);
        const delay = this.options.retryDelaysMs[attempt];
        if (delay === undefined) {
          throw new DomainError(
            'UNAVAILABLE',
            `${this.options.what} cannot be read right now; retry with backoff`,
          );
        }
        await sleep(delay);
      }
    }
  }
}

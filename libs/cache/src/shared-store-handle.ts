import { KeyValueStore, RateLimitResult } from './key-value-store';

/**
 * One user's handle on a store shared in the process. Closing it releases only this handle
 * (once, however often close() is called); the store itself is closed by `release` when the
 * owner decides, e.g. after the last handle is released.
 */
export class SharedStoreHandle implements KeyValueStore {
  private released = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly release: () => Promise<void>,
  ) {}

  get kind(): KeyValueStore['kind'] {
    return this.store.kind;
  }

  async get(key: string): Promise<string | undefined> {
    return this.open().get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.open().set(key, value, ttlMs);
  }

  async delete(...keys: string[]): Promise<void> {
    return this.open().delete(...keys);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.open().hit(key, limit, windowMs);
  }

  async ping(): Promise<void> {
    return this.open().ping();
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.release();
  }

  private open(): KeyValueStore {
    if (this.released) throw new Error(`this ${this.store.kind} store handle is closed`);
    return this.store;
  }
}

import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { KeyValueStore, MemoryStore, RedisStore } from '../src';

export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const MINUTE = 60_000;

/** A key no other case (or concurrent run sharing the store) uses. */
export const uniqueKey = (name: string): string => `${name}:${randomUUID()}`;

/** What a contract case gets: the suite's store, and a way to open more handles onto the same data. */
export interface ContractStores {
  store(): KeyValueStore;
  open(): Promise<KeyValueStore>;
}

/** One backing store for a test run: every handle it opens sees what the others wrote. */
export interface StoreBackend {
  readonly kind: KeyValueStore['kind'];
  open(): Promise<KeyValueStore>;
  /** Removes whatever the run left behind. */
  cleanUp(): Promise<void>;
}

/** The process-wide in-process store, as apps in one process share it. */
export function memoryBackend(): StoreBackend {
  return {
    kind: 'memory',
    open: async () => MemoryStore.shared(),
    cleanUp: async () => undefined,
  };
}

/** The test Redis, under a prefix of its own so concurrent runs never meet. */
export function redisBackend(): StoreBackend {
  const prefix = `test-cache-${randomUUID()}:`;
  return {
    kind: 'redis',
    open: () => RedisStore.connect(REDIS_URL, { prefix }),
    cleanUp: async () => {
      await deleteKeys(`${prefix}*`);
      await settleReplyParser();
    },
  };
}

/**
 * After a large reply (the 1 MB case), ioredis's reply parser shrinks its buffer pool on a
 * 50 ms interval for about 2 s, which keeps the process alive; waiting it out lets Jest exit
 * without reporting an open handle. Harmless in an app, which keeps running anyway.
 */
function settleReplyParser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2500));
}

/** Deletes the keys matching `pattern`, with a client of its own (no prefix). */
export async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it holds; for expiry, whose exact moment a loaded machine cannot promise. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { fixedWindowResult, requirePositiveLimit, wholePositiveMs } from './fixed-window';
import { KeyValueStore, RateLimitResult } from './key-value-store';
import { redactUrl } from '@envoy-fleet/config';
import { waitUntilReady } from './wait-until-ready';

/** Connection settings of a RedisStore. */
export interface RedisStoreOptions {
  /** Prepended to every key, so several fleets or test runs can share one Redis. Default `fleet:`. */
  prefix?: string;
  /** How long connect() keeps retrying at boot before it gives up, and the most any one connection attempt may take. Default 3 s. */
  connectTimeoutMs?: number;
  /** A command with no reply in this time rejects (Redis hung or unreachable). Default 2 s. */
  commandTimeoutMs?: number;
}

/** One fixed-window hit, atomic on the server: count it, start the window on the first hit, report count and time left. */
const FIXED_WINDOW_HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
-- No expiry yet: this hit opened the window (or the key lost its expiry; never let it count forever).
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

interface FixedWindowCommand {
  fixedWindowHit(key: string, windowMs: number): Promise<[number, number]>;
}

const CACHE_KEYS = 'cache:';
const COUNTER_KEYS = 'rate:';

/**
 * The KeyValueStore on Redis, shared by every replica. While Redis is down, calls reject at once
 * instead of queueing (no offline queue, no retry of a command), and the client keeps reconnecting
 * in the background, so a request fails fast and the next one after Redis returns succeeds.
 */
export class RedisStore implements KeyValueStore {
  private static readonly logger = new Logger(RedisStore.name);
  readonly kind = 'redis';
  private connected = true;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly client: Redis & FixedWindowCommand,
    private readonly where: string,
  ) {
    // Reconnect attempts fail every few hundred ms during an outage; say so once, not each time.
    client.on('error', (error: Error) => {
      if (!this.connected || this.closing) return;
      this.connected = false;
      RedisStore.logger.warn(`lost Redis at ${where} (${error.message}); cache calls fail until it is back`);
    });
    client.on('ready', () => {
      if (this.connected) return;
      this.connected = true;
      RedisStore.logger.log(`Redis at ${where} is back`);
    });
  }

  /** Connects, retrying for up to `connectTimeoutMs`; rejects naming the (password-less) URL if Redis does not answer. */
  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    const client = new Redis(url, {
      lazyConnect: true,
      keyPrefix: options.prefix ?? 'fleet:',
      enableOfflineQueue: false,
      // 0: a command in flight when the connection drops rejects instead of waiting for a reconnect.
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    });
    client.defineCommand('fixedWindowHit', { numberOfKeys: 1, lua: FIXED_WINDOW_HIT });
    const where = redactUrl(url);
    try {
      await waitUntilReady(client, connectTimeoutMs);
    } catch (error) {
      client.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot reach Redis at ${where} within ${connectTimeoutMs} ms: ${reason}`, {
        cause: error,
      });
    }
    return new RedisStore(client as Redis & FixedWindowCommand, where);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.send(() => this.client.get(CACHE_KEYS + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ttl = wholePositiveMs('ttlMs', ttlMs);
    await this.send(() => this.client.set(CACHE_KEYS + key, value, 'PX', ttl));
  }

  async delete(...keys: string[]): Promise<void> {
    // DEL with no key is a Redis syntax error; deleting nothing is fine here.
    if (keys.length === 0) return;
    await this.send(() => this.client.del(...keys.map((key) => CACHE_KEYS + key)));
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    requirePositiveLimit(limit);
    const window = wholePositiveMs('windowMs', windowMs);
    const [count, windowLeftMs] = await this.send(() =>
      this.client.fixedWindowHit(COUNTER_KEYS + key, window),
    );
    return fixedWindowResult(count, limit, windowLeftMs);
  }

  async ping(): Promise<void> {
    await this.send(() => this.client.ping());
  }

  /** Closes the connection; calling it again waits for the same close. */
  close(): Promise<void> {
    this.closing ??= this.quit();
    return this.closing;
  }

  private async quit(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      // Redis is down, so QUIT cannot be sent: drop the socket and stop reconnecting.
      this.client.disconnect();
    }
  }

  /** Runs one command; its error says which Redis failed, as ioredis's own ("Stream isn't writeable ...") do not. */
  private async send<T>(command: () => Promise<T>): Promise<T> {
    // Checked here rather than left to ioredis: just after QUIT its socket still looks open.
    if (this.closing) throw new Error(`RedisStore for ${this.where} is closed`);
    try {
      return await command();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Redis at ${this.where}: ${reason}`, { cause: error });
    }
  }
}

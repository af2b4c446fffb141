import { ConsoleLogger, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CACHE, CacheModule, CacheReadiness, KeyValueStore, RATE_LIMITER } from '../src';
import { REDIS_URL } from './store-backends';

/** Keeps what the app logs, so a test can read it. */
class RecordingLogger extends ConsoleLogger {
  readonly messages: string[] = [];
  override log(message: unknown): void {
    this.messages.push(String(message));
  }
}

async function boot(redisUrl: string): Promise<{ app: INestApplicationContext; logged: string[] }> {
  const logger = new RecordingLogger();
  const app = await NestFactory.createApplicationContext(CacheModule.forRoot({ redisUrl }), { logger });
  return { app, logged: logger.messages };
}

describe(CacheModule.name, () => {
  it.each([
    ['', 'memory', 'cache: in-process (set REDIS_URL to use Redis)'],
    [REDIS_URL, 'redis', `cache: Redis at ${REDIS_URL}`],
  ])('with redisUrl %p runs the %s store and says so', async (redisUrl, kind, message) => {
    const { app, logged } = await boot(redisUrl);
    const cache = app.get<KeyValueStore>(CACHE);

    expect(cache.kind).toBe(kind);
    expect(app.get(RATE_LIMITER)).toBe(cache);
    expect(logged).toContain(message);
    const readiness = app.get(CacheReadiness);
    expect(readiness.name).toBe('cache');
    await expect(readiness.check()).resolves.toBeUndefined();

    await app.close();
    await expect(cache.ping()).rejects.toThrow();
    await expect(readiness.check()).rejects.toThrow();
  });

  it('logs the Redis URL without its password', async () => {
    // The test Redis has no password, so any password is accepted for the `default` user.
    const { app, logged } = await boot('redis://default:s3cret@127.0.0.1:6379');
    await app.close();

    expect(logged).toContain('cache: Redis at redis://default:***@127.0.0.1:6379');
    expect(logged.join('\n')).not.toContain('s3cret');
  });

  it('lets apps in one process share the in-process store, and one stopping leaves the other working', async () => {
    const first = await boot('');
    const second = await boot('');
    await first.app.get<KeyValueStore>(CACHE).set('shared-by-apps', 'yes', 60_000);
    await first.app.close();

    expect(await second.app.get<KeyValueStore>(CACHE).get('shared-by-apps')).toBe('yes');
    await second.app.close();
  });
});

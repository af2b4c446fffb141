import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisStore } from '../src';
import { RedisServerProcess } from './redis-server-process';
import { deleteKeys, eventually, MINUTE, REDIS_URL } from './store-backends';

describe(RedisStore.name, () => {
  describe('at boot', () => {
    it('rejects, naming the URL, when Redis does not answer', async () => {
      await expect(RedisStore.connect('redis://127.0.0.1:1')).rejects.toThrow(
        /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/,
      );
    }, 15_000);

    it('never puts the password in that error', async () => {
      const error = await RedisStore.connect('redis://fleet:s3cret@127.0.0.1:1', {
        connectTimeoutMs: 500,
      }).then(
        () => undefined,
        (reason: Error) => reason,
      );
      expect(error?.message).toContain('redis://fleet:***@127.0.0.1:1');
      expect(error?.message).not.toContain('s3cret');
    });

    it('waits for a Redis that starts a moment later', async () => {
      const server = await RedisServerProcess.onFreePort();
      const connecting = RedisStore.connect(server.url, { connectTimeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.start();
      const store = await connecting;
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await server.stop();
    }, 15_000);
  });

  describe('keys', () => {
    const raw = new Redis(REDIS_URL);
    afterAll(() => raw.quit());

    it('live under the prefix (`fleet:` unless told otherwise), cache entries and counters apart', async () => {
      const key = `prefix-test:${randomUUID()}`;
      const prefix = `test-cache-${randomUUID()}:`;
      const prefixed = await RedisStore.connect(REDIS_URL, { prefix });
      const byDefault = await RedisStore.connect(REDIS_URL);
      await prefixed.set(key, 'prefixed', MINUTE);
      await prefixed.hit(key, 5, MINUTE);
      await byDefault.set(key, 'default', MINUTE);

      expect(await raw.get(`${prefix}cache:${key}`)).toBe('prefixed');
      expect(await raw.get(`${prefix}rate:${key}`)).toBe('1');
      expect(await raw.pttl(`${prefix}rate:${key}`)).toBeGreaterThan(0);
      expect(await raw.get(`fleet:cache:${key}`)).toBe('default');
      expect(await raw.pttl(`fleet:cache:${key}`)).toBeGreaterThan(0);

      await byDefault.delete(key);
      await Promise.all([prefixed.close(), byDefault.close(), deleteKeys(`${prefix}*`)]);
    });
  });

  describe('while Redis is unavailable', () => {
    let server: RedisServerProcess;
    let store: RedisStore;
    beforeAll(async () => {
      server = await RedisServerProcess.onFreePort();
      server.start();
      store = await RedisStore.connect(server.url, { connectTimeoutMs: 10_000, commandTimeoutMs: 500 });
    }, 15_000);
    afterAll(async () => {
      await store.close();
      server.thaw();
      await server.stop();
    });

    it('rejects calls at once while it is down, and serves again once it is back', async () => {
      await server.stop();
      const unavailable = `Redis at ${server.url}: `;
      await expect(store.get('any')).rejects.toThrow(unavailable);
      await expect(store.hit('any', 1, MINUTE)).rejects.toThrow(unavailable);
      await expect(store.ping()).rejects.toThrow(unavailable);

      server.start();
      await eventually(() => answersPing(store), 10_000);
      await store.set('back', 'yes', MINUTE);
      expect(await store.get('back')).toBe('yes');
    }, 20_000);

    it('rejects a call that gets no answer after commandTimeoutMs', async () => {
      server.freeze();
      await expect(store.get('any')).rejects.toThrow('Command timed out');
      server.thaw();
      await eventually(() => answersPing(store), 10_000);
    }, 15_000);
  });
});

function answersPing(store: RedisStore): Promise<boolean> {
  return store.ping().then(
    () => true,
    () => false,
  );
}

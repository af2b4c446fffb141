import { KeyValueStore } from '../src';
import { cacheContract } from './cache.contract-cases';
import { rateLimiterContract } from './rate-limiter.contract-cases';
import { memoryBackend, MINUTE, redisBackend, StoreBackend, uniqueKey } from './store-backends';

// The same cases against both stores: the in-process one must behave as Redis does.
describe.each([
  ['memory', memoryBackend],
  ['redis', redisBackend],
])('KeyValueStore contract: %s', (_kind, createBackend) => {
  let backend: StoreBackend;
  let store: KeyValueStore;
  const handles: KeyValueStore[] = [];
  async function open(): Promise<KeyValueStore> {
    const handle = await backend.open();
    handles.push(handle);
    return handle;
  }

  beforeAll(async () => {
    backend = createBackend();
    store = await open();
  });
  afterAll(async () => {
    await Promise.all(handles.map((handle) => handle.close()));
    await backend.cleanUp();
  });

  it('reports its kind and answers a ping', async () => {
    expect(store.kind).toBe(backend.kind);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('cache', () => cacheContract({ store: () => store, open }));
  describe('rate limiter', () => rateLimiterContract({ store: () => store, open }));

  it('shares entries and counters between handles on the same store', async () => {
    const [entry, counter] = [uniqueKey('shared-entry'), uniqueKey('shared-counter')];
    const other = await open();
    await store.set(entry, 'seen by both', MINUTE);
    await store.hit(counter, 2, MINUTE);

    expect(await other.get(entry)).toBe('seen by both');
    expect(await other.hit(counter, 2, MINUTE)).toMatchObject({ allowed: true, remaining: 0 });
    await other.delete(entry);
    expect(await store.get(entry)).toBeUndefined();
  });

  it('rejects calls on a closed handle, and the other handles keep working', async () => {
    const closed = await open();
    await closed.close();
    await expect(closed.get(uniqueKey('after-close'))).rejects.toThrow();
    await expect(closed.ping()).rejects.toThrow();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

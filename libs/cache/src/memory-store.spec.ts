import { MemoryStore, MemoryStoreOptions } from './memory-store';

const MINUTE = 60_000;

describe(MemoryStore.name, () => {
  const opened: MemoryStore[] = [];
  function open(options?: MemoryStoreOptions): MemoryStore {
    const store = new MemoryStore(options);
    opened.push(store);
    return store;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    jest.useRealTimers();
  });

  describe('eviction', () => {
    it('drops the least recently written entry once maxEntries is reached', async () => {
      const store = open({ maxEntries: 3 });
      await store.set('a', '1', MINUTE);
      await store.set('b', '2', MINUTE);
      await store.set('c', '3', MINUTE);
      await store.set('a', '1 again', MINUTE);
      await store.set('d', '4', MINUTE);

      expect(await store.get('b')).toBeUndefined();
      expect([await store.get('a'), await store.get('c'), await store.get('d')]).toEqual([
        '1 again',
        '3',
        '4',
      ]);
      expect(store.size).toBe(3);
    });

    it('bounds rate-limit counters the same way, apart from cache entries', async () => {
      const store = open({ maxEntries: 2 });
      await store.set('entry', 'kept', MINUTE);
      await store.hit('first', 5, MINUTE);
      await store.hit('second', 5, MINUTE);
      await store.hit('third', 5, MINUTE);

      expect(await store.get('entry')).toBe('kept');
      expect((await store.hit('third', 5, MINUTE)).remaining).toBe(3);
      // 'first' was evicted, so it starts a new window.
      expect((await store.hit('first', 5, MINUTE)).remaining).toBe(4);
    });
  });

  describe('sweep', () => {
    it('drops expired entries and counters that nobody reads again', async () => {
      jest.useFakeTimers();
      const store = open({ sweepIntervalMs: 1000 });
      await store.set('short', 'x', 500);
      await store.set('long', 'y', 10 * MINUTE);
      await store.hit('window', 5, 500);
      expect(store.size).toBe(3);

      jest.advanceTimersByTime(1000);

      expect(store.size).toBe(1);
      expect(await store.get('long')).toBe('y');
    });

    it('is not needed to hide an expired entry', async () => {
      jest.useFakeTimers();
      const store = open({ sweepIntervalMs: 10 * MINUTE });
      await store.set('short', 'x', 500);
      jest.setSystemTime(Date.now() + 500);

      expect(await store.get('short')).toBeUndefined();
    });
  });

  describe('shared', () => {
    it('keeps serving the other handles when one is closed, even twice', async () => {
      const first = MemoryStore.shared();
      const second = MemoryStore.shared();
      await first.set('greeting', 'hello', MINUTE);
      await first.close();
      await first.close();

      expect(await second.get('greeting')).toBe('hello');
      await expect(first.get('greeting')).rejects.toThrow('closed');
      await second.close();
    });

    it('starts empty once every handle was closed', async () => {
      const only = MemoryStore.shared();
      await only.set('greeting', 'hello', MINUTE);
      await only.close();

      const next = MemoryStore.shared();
      expect(await next.get('greeting')).toBeUndefined();
      await next.close();
    });
  });
});

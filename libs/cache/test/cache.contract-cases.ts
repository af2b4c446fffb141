import { ContractStores, eventually, MINUTE, uniqueKey } from './store-backends';

/** The Cache cases of the contract, run against every KeyValueStore. */
export function cacheContract({ store }: ContractStores): void {
  it('has nothing under a key never set', async () => {
    expect(await store().get(uniqueKey('missing'))).toBeUndefined();
  });

  it('returns what was set, and the latest value after an overwrite', async () => {
    const key = uniqueKey('overwrite');
    await store().set(key, 'first', MINUTE);
    expect(await store().get(key)).toBe('first');
    await store().set(key, 'second', MINUTE);
    expect(await store().get(key)).toBe('second');
  });

  it('forgets an entry after its ttl, but not one with a longer ttl', async () => {
    const short = uniqueKey('short');
    const long = uniqueKey('long');
    await store().set(long, 'stays', MINUTE);
    await store().set(short, 'goes', 100);
    await eventually(async () => (await store().get(short)) === undefined);
    expect(await store().get(long)).toBe('stays');
  });

  it('takes the ttl of the latest write', async () => {
    const key = uniqueKey('rewritten');
    await store().set(key, 'long-lived', MINUTE);
    await store().set(key, 'short-lived', 100);
    await eventually(async () => (await store().get(key)) === undefined);
  });

  it('deletes several keys at once, missing ones included', async () => {
    const [a, b, kept] = [uniqueKey('a'), uniqueKey('b'), uniqueKey('kept')];
    await Promise.all([
      store().set(a, '1', MINUTE),
      store().set(b, '2', MINUTE),
      store().set(kept, '3', MINUTE),
    ]);
    await store().delete(a, uniqueKey('never-set'), b);
    await store().delete();
    expect([await store().get(a), await store().get(b), await store().get(kept)]).toEqual([
      undefined,
      undefined,
      '3',
    ]);
  });

  it('keeps keys with colons and unicode apart', async () => {
    const base = uniqueKey('tenant:ä/路由');
    await store().set(base, 'plain', MINUTE);
    await store().set(`${base}:🚀`, 'rocket ✓', MINUTE);
    expect(await store().get(base)).toBe('plain');
    expect(await store().get(`${base}:🚀`)).toBe('rocket ✓');
  });

  it('round-trips a 1 MB value and an empty string', async () => {
    const [large, empty] = [uniqueKey('large'), uniqueKey('empty')];
    const megabyte = 'é'.repeat(512 * 1024); // 1 MB in UTF-8
    await store().set(large, megabyte, MINUTE);
    await store().set(empty, '', MINUTE);
    expect(await store().get(large)).toBe(megabyte);
    expect(await store().get(empty)).toBe('');
  });

  it('refuses a ttl that is not positive, and stores nothing', async () => {
    const key = uniqueKey('bad-ttl');
    await expect(store().set(key, 'x', 0)).rejects.toThrow(RangeError);
    await expect(store().set(key, 'x', -5)).rejects.toThrow(RangeError);
    expect(await store().get(key)).toBeUndefined();
  });
}

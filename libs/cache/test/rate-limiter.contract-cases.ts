import { ContractStores, eventually, MINUTE, uniqueKey } from './store-backends';

/** The RateLimiter cases of the contract, run against every KeyValueStore. */
export function rateLimiterContract({ store, open }: ContractStores): void {
  it('allows exactly `limit` hits, counting `remaining` down to 0, then refuses until the window ends', async () => {
    const key = uniqueKey('client');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await store().hit(key, 3, MINUTE));

    expect(results.map(({ allowed, remaining }) => ({ allowed, remaining }))).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
      { allowed: false, remaining: 0 },
      { allowed: false, remaining: 0 },
    ]);
    expect(results.every((result) => result.limit === 3)).toBe(true);
    expect(results.slice(0, 3).map((result) => result.retryAfterMs)).toEqual([0, 0, 0]);
    for (const refused of results.slice(3)) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(MINUTE);
    }
  });

  it('allows again once the window is over', async () => {
    const key = uniqueKey('window');
    await store().hit(key, 1, 150);
    const refused = await store().hit(key, 1, 150);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(150);

    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs));
    await eventually(async () => (await store().hit(key, 1, 150)).allowed);
  });

  it('counts each key on its own, and apart from cache entries', async () => {
    const [busy, quiet] = [uniqueKey('busy'), uniqueKey('quiet')];
    await store().set(busy, 'cached', MINUTE);
    await store().hit(busy, 1, MINUTE);
    expect((await store().hit(busy, 1, MINUTE)).allowed).toBe(false);
    expect(await store().hit(quiet, 1, MINUTE)).toEqual({
      allowed: true,
      limit: 1,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect(await store().get(busy)).toBe('cached');
  });

  it('allows exactly `limit` of many concurrent hits from two handles', async () => {
    const key = uniqueKey('burst');
    const other = await open();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store() : other).hit(key, 10, MINUTE)),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
  });

  it('refuses a limit or window that is not positive', async () => {
    const key = uniqueKey('bad-args');
    await expect(store().hit(key, 0, MINUTE)).rejects.toThrow(RangeError);
    await expect(store().hit(key, 1.5, MINUTE)).rejects.toThrow(RangeError);
    await expect(store().hit(key, 1, 0)).rejects.toThrow(RangeError);
  });
}

import { DomainError } from '@envoy-fleet/domain';
import { BatchLoader } from './batch-loader';

describe(BatchLoader.name, () => {
  const squares = (keys: number[]) => Promise.resolve(new Map(keys.map((k) => [k, k * k])));

  it('reads the keys asked for together in one read, and what comes during it in the next', async () => {
    const reads: number[][] = [];
    const loader = new BatchLoader<number, number>(
      (keys) => {
        reads.push(keys);
        return squares(keys);
      },
      { what: 'squares', maxBatch: 100, retryDelaysMs: [] },
    );
    const first = Promise.all([1, 2, 3, 2].map((k) => loader.get(k)));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all([4, 5].map((k) => loader.get(k)));
    expect([await first, await second]).toEqual([
      [1, 4, 9, 4],
      [16, 25],
    ]);
    expect(reads).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('splits a burst into reads of at most maxBatch keys, and answers absent keys with undefined', async () => {
    const reads: number[] = [];
    const loader = new BatchLoader<number, number>(
      (keys) => {
        reads.push(keys.length);
        return Promise.resolve(new Map(keys.filter((k) => k % 2 === 0).map((k) => [k, k])));
      },
      { what: 'evens', maxBatch: 4, retryDelaysMs: [] },
    );
    const values = await Promise.all(Array.from({ length: 10 }, (_, k) => loader.get(k)));
    expect(values).toEqual([0, undefined, 2, undefined, 4, undefined, 6, undefined, 8, undefined]);
    expect(reads).toEqual([4, 4, 2]);
  });

  it('tries a failed read again, and answers UNAVAILABLE (not the raw error) when it keeps failing', async () => {
    let failures = 2;
    const tries: number[] = [];
    const flaky = new BatchLoader<number, number>(
      (keys) => (failures-- > 0 ? Promise.reject(new Error('Unable to start a transaction')) : squares(keys)),
      {
        what: 'squares',
        maxBatch: 10,
        retryDelaysMs: [1, 1],
        onFailure: (_e, attempt) => tries.push(attempt),
      },
    );
    expect(await flaky.get(3)).toBe(9);
    expect(tries).toEqual([1, 2]);

    const down = new BatchLoader<number, number>(() => Promise.reject(new Error('connection refused')), {
      what: 'squares',
      maxBatch: 10,
      retryDelaysMs: [1],
    });
    const refused = await down.get(1).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('squares') });
    expect(down.reads).toBe(2);
  });
});

import { BatchWriter } from './batch-writer';

describe(BatchWriter.name, () => {
  it('writes the first item at once and the items that arrive meanwhile together', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const writer = new BatchWriter<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstWrite;
      return batches.length;
    }, 3);

    const results = [1, 2, 3, 4, 5].map((n) => writer.add(n));
    release();

    expect(await Promise.all(results)).toEqual([1, 2, 2, 2, 3]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('rejects the items of a failed batch only', async () => {
    const writer = new BatchWriter<number, string>(async (items) => {
      if (items.includes(1)) throw new Error('commit failed');
      return 'ok';
    }, 10);

    const first = writer.add(1);
    const second = writer.add(2);

    await expect(first).rejects.toThrow('commit failed');
    await expect(second).resolves.toBe('ok');
  });
});

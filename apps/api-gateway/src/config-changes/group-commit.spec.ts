import { GroupCommit, Outcome } from './group-commit';

/** A runner whose runs finish when the test says, recording the groups it was given. */
function heldRunner() {
  const groups: { key: string; items: number[] }[] = [];
  const finish: (() => void)[] = [];
  const run = (key: string, items: number[]) => {
    groups.push({ key, items });
    return new Promise<Outcome<string>[]>((resolve) =>
      finish.push(() =>
        resolve(
          items.map((item) =>
            item < 0 ? { ok: false, error: new Error(`bad ${item}`) } : { ok: true, value: `${key}:${item}` },
          ),
        ),
      ),
    );
  };
  return { groups, finish, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(GroupCommit.name, () => {
  it('runs a lone item at once, and those arriving meanwhile together in the next run, in order', async () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, 10);
    const first = commits.submit('t1', 1);
    expect(runner.groups).toEqual([{ key: 't1', items: [1] }]);
    const queued = [2, 3, 4].map((item) => commits.submit('t1', item));
    await tick();
    expect(runner.groups).toHaveLength(1);

    runner.finish[0]();
    expect(await first).toBe('t1:1');
    await tick();
    expect(runner.groups[1]).toEqual({ key: 't1', items: [2, 3, 4] });
    runner.finish[1]();
    expect(await Promise.all(queued)).toEqual(['t1:2', 't1:3', 't1:4']);
  });

  it('keeps keys apart: another key runs at once while the first is running', () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, 10);
    void commits.submit('t1', 1);
    void commits.submit('t2', 1);
    expect(runner.groups).toEqual([
      { key: 't1', items: [1] },
      { key: 't2', items: [1] },
    ]);
  });

  it('takes at most maxGroup items per run, and settles each item by its own outcome', async () => {
    const runner = heldRunner();
    const commits = new GroupCommit(runner.run, 2);
    const all = [1, 2, -3, 4].map((item) =>
      commits.submit('t', item).then(
        (value) => value,
        (error: Error) => error.message,
      ),
    );
    for (let run = 0; run < 3; run++) {
      await tick();
      runner.finish[run]();
    }
    expect(runner.groups.map((group) => group.items)).toEqual([[1], [2, -3], [4]]);
    expect(await Promise.all(all)).toEqual(['t:1', 't:2', 'bad -3', 't:4']);
  });

  it('fails every item of a run that throws, and goes on with the next', async () => {
    let calls = 0;
    const commits = new GroupCommit<number, number>(async (_key, items) => {
      calls += 1;
      if (calls === 1) throw new Error('database gone');
      return items.map((value) => ({ ok: true, value }));
    }, 10);
    const failed = commits.submit('t', 1);
    const next = commits.submit('t', 2);
    await expect(failed).rejects.toThrow('database gone');
    expect(await next).toBe(2);
  });
});

/** How one item of a group ended. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Settles `promise` into an Outcome, never rejecting. */
export function settle<R>(promise: Promise<R>): Promise<Outcome<R>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

interface Waiting<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit per key: an item submitted while nothing runs for its key runs at once, alone;
 * items submitted while a run is in progress wait for it and then run together, in the order
 * they came, up to `maxGroup` per run. Under no load nothing waits; under load each run takes
 * everything that queued behind the previous one, so the fixed cost of a run (a transaction, a
 * lock, a commit) is shared.
 */
export class GroupCommit<I, R> {
  private readonly queues = new Map<string, Waiting<I, R>[]>();

  constructor(
    /** Runs one group; gives one outcome per item, in order, and does not reject. */
    private readonly runGroup: (key: string, items: I[]) => Promise<Outcome<R>[]>,
    private readonly maxGroup: number,
  ) {}

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(key, [waiting]);
      void this.drain(key);
    });
  }

  /** Runs the key's queue group by group until it is empty, then forgets the key. */
  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key) ?? [];
    while (queue.length > 0) {
      const group = queue.splice(0, this.maxGroup);
      let outcomes: Outcome<R>[];
      try {
        outcomes = await this.runGroup(
          key,
          group.map((waiting) => waiting.item),
        );
      } catch (error) {
        outcomes = group.map(() => ({ ok: false, error }));
      }
      group.forEach((waiting, i) => {
        const outcome = outcomes[i] ?? {
          ok: false,
          error: new Error('group commit: no outcome for an item'),
        };
        if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    }
    this.queues.delete(key);
  }
}

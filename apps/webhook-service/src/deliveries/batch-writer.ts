interface Waiting<T, R> {
  item: T;
  done: (result: R) => void;
  fail: (error: unknown) => void;
}

/**
 * Groups writes: items that arrive while one batch is being written go together into the next,
 * up to `maxBatch`, so a busy stream costs one transaction per batch rather than one per item.
 * Nothing waits for a batch to fill: an item arriving when nothing is being written goes at once.
 */
export class BatchWriter<T, R> {
  private queue: Waiting<T, R>[] = [];
  private flushing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the result of the batch `item` went out in, once that batch is committed. */
  add(item: T): Promise<R> {
    return new Promise<R>((done, fail) => {
      this.queue.push({ item, done, fail });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const result = await this.write(batch.map((entry) => entry.item));
          for (const entry of batch) entry.done(result);
        } catch (error) {
          for (const entry of batch) entry.fail(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** At most `limit` attempts in flight per target; the rest wait their turn in order. */
export class TargetLimiter {
  private readonly targets = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(private readonly limit: number) {}

  async run<T>(target: string, work: () => Promise<T>): Promise<T> {
    let slot = this.targets.get(target);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.targets.set(target, slot);
    }
    if (slot.active >= this.limit) await new Promise<void>((resolve) => slot.waiting.push(resolve));
    else slot.active += 1;
    try {
      return await work();
    } finally {
      const next = slot.waiting.shift();
      if (next) next();
      else if (--slot.active === 0) this.targets.delete(target);
    }
  }
}

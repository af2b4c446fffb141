import { TenantDebouncer } from './tenant-debouncer';

describe(TenantDebouncer.name, () => {
  let pushed: string[];
  let debouncer: TenantDebouncer;

  beforeEach(() => {
    jest.useFakeTimers();
    pushed = [];
    debouncer = new TenantDebouncer(
      { quietMs: 100, maxDelayMs: 1000 },
      (t) => pushed.push(t),
      () => Date.now(),
    );
  });

  afterEach(() => jest.useRealTimers());

  it('coalesces a burst of writes into one push after the quiet time', () => {
    for (let i = 0; i < 5; i++) {
      debouncer.changed('a');
      jest.advanceTimersByTime(50);
    }
    expect(pushed).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(pushed).toEqual(['a']);
  });

  it('pushes a tenant that never pauses once its first change has waited the maximum delay', () => {
    for (let t = 0; t < 1000; t += 50) {
      debouncer.changed('busy');
      jest.advanceTimersByTime(50);
      if (t + 50 < 1000) expect(pushed).toEqual([]);
    }
    expect(pushed).toEqual(['busy']);
  });

  it("does not hold one tenant's push for another tenant's writes", () => {
    debouncer.changed('quiet');
    for (let i = 0; i < 4; i++) {
      debouncer.changed('busy');
      jest.advanceTimersByTime(40);
    }
    expect(pushed).toEqual(['quiet']);
  });

  it('pushes at once with no quiet time, and flushes what waits', () => {
    const immediate = new TenantDebouncer({ quietMs: 0, maxDelayMs: 0 }, (t) => pushed.push(t));
    immediate.changed('x');
    expect(pushed).toEqual(['x']);
    debouncer.changed('y');
    debouncer.flush();
    expect(pushed).toEqual(['x', 'y']);
    expect(debouncer.waiting()).toBe(0);
  });

  it('drops what waits when cancelled', () => {
    debouncer.changed('z');
    debouncer.cancel();
    jest.advanceTimersByTime(2000);
    expect(pushed).toEqual([]);
    expect(debouncer.waiting()).toBe(0);
  });
});

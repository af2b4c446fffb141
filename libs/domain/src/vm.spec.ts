import { vmStatusAt } from './vm';

describe('vmStatusAt', () => {
  const now = new Date('2026-01-01T00:01:00Z');

  it('is pending before the first heartbeat, online within the window, offline after it', () => {
    expect(vmStatusAt(undefined, now, 30_000)).toBe('pending');
    expect(vmStatusAt(new Date('2026-01-01T00:00:30Z'), now, 30_000)).toBe('online');
    expect(vmStatusAt(new Date('2026-01-01T00:00:29Z'), now, 30_000)).toBe('offline');
  });
});

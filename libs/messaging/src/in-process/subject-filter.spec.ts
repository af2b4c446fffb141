import { filterWithin, isLiteralSubject, isValidFilter, subjectMatches } from './subject-filter';

describe(subjectMatches.name, () => {
  it.each([
    ['fleet.config.updated.t1', 'fleet.config.updated.t1', true],
    ['fleet.config.updated.t1', 'fleet.config.updated.t2', false],
    ['fleet.config.updated.*', 'fleet.config.updated.t1', true],
    ['fleet.*.updated.*', 'fleet.config.updated.t1', true],
    ['fleet.config.updated.*', 'fleet.config.updated', false],
    ['fleet.config.updated.*', 'fleet.config.updated.t1.extra', false],
    ['fleet.>', 'fleet.config', true],
    ['fleet.>', 'fleet.config.updated.t1', true],
    ['fleet.>', 'fleet', false],
    ['fleet.config.>', 'fleet.proxy.status.t1', false],
    ['>', 'anything.at.all', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
  ])('filter %s on subject %s: %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});

describe(filterWithin.name, () => {
  it.each([
    ['fleet.config.updated.*', 'fleet.>', true],
    ['fleet.>', 'fleet.>', true],
    ['fleet.*', 'fleet.>', true],
    ['fleet', 'fleet.>', false],
    ['>', 'fleet.>', false],
    ['other.x', 'fleet.>', false],
    ['fleet.*.x', 'fleet.config.*', false],
    ['fleet.config.x', 'fleet.*.x', true],
    ['fleet.>', 'fleet.*', false],
  ])('%s within %s: %s', (filter, outer, expected) => {
    expect(filterWithin(filter, outer)).toBe(expected);
  });
});

describe(isValidFilter.name, () => {
  it('accepts wildcards in their places and rejects malformed filters', () => {
    expect(isValidFilter('fleet.*.updated.>')).toBe(true);
    expect(isValidFilter('fleet.>.updated')).toBe(false);
    expect(isValidFilter('fleet..updated')).toBe(false);
    expect(isValidFilter('')).toBe(false);
  });
});

describe(isLiteralSubject.name, () => {
  it('rejects wildcards and empty tokens', () => {
    expect(isLiteralSubject('fleet.config.updated.t1')).toBe(true);
    expect(isLiteralSubject('fleet.config.*')).toBe(false);
    expect(isLiteralSubject('fleet.>')).toBe(false);
    expect(isLiteralSubject('fleet.')).toBe(false);
  });
});

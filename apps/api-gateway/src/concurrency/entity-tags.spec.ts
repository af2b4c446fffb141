import { DomainError } from '@envoy-fleet/domain';
import {
  entityTagOf,
  ifMatchHolds,
  ifNoneMatchHolds,
  parseEntityTagCondition,
  revisionOfBody,
} from './entity-tags';

describe('entity tags', () => {
  it('formats a revision as a strong tag, and finds the revision of one object only', () => {
    expect(entityTagOf(7)).toBe('"7"');
    expect(revisionOfBody({ name: 'a', revision: 7 })).toBe(7);
    expect(revisionOfBody({ items: [{ revision: 1 }] })).toBeUndefined();
    expect(revisionOfBody([{ revision: 1 }])).toBeUndefined();
    expect(revisionOfBody('text')).toBeUndefined();
  });

  it('parses *, one tag, weak tags and lists', () => {
    expect(parseEntityTagCondition('If-Match', ' * ')).toEqual({ any: true });
    expect(parseEntityTagCondition('If-Match', '"3", W/"4"')).toEqual({
      any: false,
      tags: [
        { weak: false, opaque: '3' },
        { weak: true, opaque: '4' },
      ],
    });
  });

  it.each(['3', '"3', 'W/3', '"a"b"', ','])('refuses the malformed %p naming the header', (value) => {
    const parse = () => parseEntityTagCondition('If-Match', value);
    expect(parse).toThrow(DomainError);
    expect(parse).toThrow(/^If-Match: /);
  });

  it('holds If-Match by strong comparison, and * only for an existing object', () => {
    const one = parseEntityTagCondition('If-Match', '"3"');
    expect(ifMatchHolds(one, 3)).toBe(true);
    expect(ifMatchHolds(one, 4)).toBe(false);
    expect(ifMatchHolds(parseEntityTagCondition('If-Match', 'W/"3"'), 3)).toBe(false);
    expect(ifMatchHolds({ any: true }, 1)).toBe(true);
    expect(ifMatchHolds({ any: true }, null)).toBe(false);
  });

  it('holds If-None-Match unless a tag names the current one, weakly', () => {
    expect(ifNoneMatchHolds(parseEntityTagCondition('If-None-Match', 'W/"3"'), '"3"')).toBe(false);
    expect(ifNoneMatchHolds(parseEntityTagCondition('If-None-Match', '"2", "3"'), '"3"')).toBe(false);
    expect(ifNoneMatchHolds(parseEntityTagCondition('If-None-Match', '"2"'), '"3"')).toBe(true);
  });
});

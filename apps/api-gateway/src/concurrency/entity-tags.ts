import { DomainError } from '@envoy-fleet/domain';

/**
 * ETags of API objects: the object's revision as a strong entity tag, `"3"`. Strong, because two
 * responses with one revision are byte-for-byte the same object, and If-Match needs strong tags.
 */
export function entityTagOf(revision: number): string {
  return `"${revision}"`;
}

/** The revision of an object in a response body, when it is one revisioned object (not a list). */
export function revisionOfBody(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const revision = (body as { revision?: unknown }).revision;
  return typeof revision === 'number' && Number.isInteger(revision) ? revision : undefined;
}

/** A parsed If-Match or If-None-Match: `*`, or a list of entity tags. */
export type EntityTagCondition = { any: true } | { any: false; tags: { weak: boolean; opaque: string }[] };

// One entity tag: optional W/, then a quoted string of etagc characters (RFC 9110 section 8.8.3).
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/** Parses an If-Match / If-None-Match header; 400 naming the header when it is malformed. */
export function parseEntityTagCondition(header: string, value: string): EntityTagCondition {
  const trimmed = value.trim();
  if (trimmed === '*') return { any: true };
  const tags = trimmed
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = ENTITY_TAG.exec(part);
      if (!match) throw DomainError.invalid(header, `'${part}' is not an entity tag such as "3" or *`);
      return { weak: match[1] !== undefined, opaque: match[2] };
    });
  if (tags.length === 0) throw DomainError.invalid(header, 'must be * or a list of entity tags');
  return { any: false, tags };
}

/**
 * If-Match against the object's current revision (null: no such object), by strong comparison:
 * `*` holds when the object exists, a weak tag never holds.
 */
export function ifMatchHolds(condition: EntityTagCondition, revision: number | null): boolean {
  if (revision === null) return false;
  if (condition.any) return true;
  return condition.tags.some((tag) => !tag.weak && tag.opaque === String(revision));
}

/** If-None-Match against a response's ETag, by weak comparison (W/"3" and "3" are the same). */
export function ifNoneMatchHolds(condition: EntityTagCondition, entityTag: string): boolean {
  if (condition.any) return false;
  const current = ENTITY_TAG.exec(entityTag)?.[2];
  return !condition.tags.some((tag) => tag.opaque === current);
}

import { DomainError } from '@envoy-fleet/domain';

/** The orders a collection can be listed in; `-` is descending. */
export const SORT_ORDERS = ['name', '-name', 'createdAt', '-createdAt'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** One page of a collection: filters, order, size and where the previous page ended. */
export interface PageRequest {
  limit: number;
  sort: SortOrder;
  /** Opaque; from the previous page's `nextCursor`. */
  cursor?: string;
  /** Only names starting with this. */
  namePrefix?: string;
  /** Only objects carrying every one of these labels. */
  labels?: Record<string, string>;
}

/** A page of a collection; `nextCursor` is null on the last one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The columns a collection is paged by (Prisma field names). */
export interface PagedFields {
  /** The field `name` filters and sorts on (e.g. `nodeId` for proxies). */
  name: string;
  /** The JSON labels field, when the collection has labels. */
  labels?: string;
}

/** The Prisma `findMany` arguments for one page (the caller adds its tenant and includes). */
export interface KeysetArgs {
  where: Record<string, unknown>;
  orderBy: Record<string, 'asc' | 'desc'>[];
  take: number;
}

interface CursorPosition {
  /** The sort it was made for. */
  s: SortOrder;
  /** The last row's sort value (ISO string for createdAt). */
  v: string;
  /** The last row's id: the tie-breaker that makes the order total. */
  i: string;
}

type PagedRow = { id: string; createdAt: Date } & Record<string, unknown>;

/**
 * Reads one page by keyset (`WHERE (sortValue, id) > (last, lastId)`), not by offset, so
 * pages stay consistent while rows are added or removed. `find` runs the query, typically
 * `tx.<model>.findMany` inside a `db.forTenant` transaction (row-level security applies).
 */
export async function readPage<Row extends PagedRow>(
  request: PageRequest,
  fields: PagedFields,
  find: (args: KeysetArgs) => Promise<Row[]>,
): Promise<Page<Row>> {
  const rows = await find(keysetArgs(request, fields));
  const items = rows.slice(0, request.limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > request.limit && last
      ? encodeCursor(request.sort, sortValue(last, request.sort, fields), last.id)
      : null;
  return { items, nextCursor };
}

/**
 * One page's arguments narrowed to `scope` (e.g. `{ tenantId }` and a collection's own filters),
 * typed as the model's `findMany` arguments: the keyset fields exist on every paged model.
 */
export function scopedKeysetArgs<Args>(args: KeysetArgs, scope: Record<string, unknown>): Args {
  return { ...args, where: { AND: [scope, args.where] } } as Args;
}

/** The `where`, `orderBy` and `take` of one page. */
export function keysetArgs(request: PageRequest, fields: PagedFields): KeysetArgs {
  const field = request.sort.endsWith('name') ? fields.name : 'createdAt';
  const direction = request.sort.startsWith('-') ? 'desc' : 'asc';
  const beyond = direction === 'asc' ? 'gt' : 'lt';
  const filters: Record<string, unknown>[] = [];
  if (request.namePrefix) {
    // Prisma hands startsWith to LIKE as is: `_` and `%` would be wildcards. `\` is PostgreSQL's escape.
    filters.push({ [fields.name]: { startsWith: request.namePrefix.replace(/[\\%_]/g, '\\$&') } });
  }
  const labels = Object.entries(request.labels ?? {});
  if (labels.length > 0) {
    if (!fields.labels) throw DomainError.invalid('label', 'this collection has no labels');
    for (const [key, value] of labels) filters.push({ [fields.labels]: { path: [key], equals: value } });
  }
  if (request.cursor) {
    const position = decodeCursor(request.cursor, request.sort);
    const value = field === 'createdAt' ? new Date(position.v) : position.v;
    filters.push({
      OR: [{ [field]: { [beyond]: value } }, { [field]: value, id: { [beyond]: position.i } }],
    });
  }
  return {
    where: filters.length > 0 ? { AND: filters } : {},
    orderBy: [{ [field]: direction }, { id: direction }],
    take: request.limit + 1,
  };
}

function sortValue(row: PagedRow, sort: SortOrder, fields: PagedFields): string {
  if (!sort.endsWith('name')) return row.createdAt.toISOString();
  return String(row[fields.name]);
}

function encodeCursor(sort: SortOrder, value: string, id: string): string {
  const position: CursorPosition = { s: sort, v: value, i: id };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string, sort: SortOrder): CursorPosition {
  let position: Partial<CursorPosition>;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPosition>;
  } catch {
    throw DomainError.invalid('cursor', 'is not a cursor this API made');
  }
  if (
    typeof position !== 'object' ||
    position === null ||
    typeof position.v !== 'string' ||
    typeof position.i !== 'string' ||
    !/^[0-9a-f-]{36}$/i.test(position.i) ||
    (position.s?.endsWith('createdAt') && Number.isNaN(Date.parse(position.v)))
  ) {
    throw DomainError.invalid('cursor', 'is not a cursor this API made');
  }
  if (position.s !== sort) throw DomainError.invalid('cursor', `was made for sort=${String(position.s)}`);
  return position as CursorPosition;
}

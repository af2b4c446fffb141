import { DomainError } from '@envoy-fleet/domain';
import type { Tx } from './database';
import { found } from './errors';
import { Prisma } from './generated/prisma/client';

/** The stored form of a config object: its fields plus the revision that backs its ETag. */
export type Revisioned<T> = T & { revision: number };

/** Tables of named, revisioned config objects. */
export type RevisionedTable = 'clusters' | 'listeners' | 'route_configurations' | 'secrets';

/** The locked row's id and the revision it is at. */
export interface LockedRow {
  id: string;
  revision: number;
}

/**
 * Locks the named object's row for the rest of the transaction, so concurrent writers of one
 * object serialize. With `expected` (from an If-Match ETag), FAILED_PRECONDITION when the stored
 * revision differs; NOT_FOUND when there is no such object.
 */
export async function lockRevision(
  tx: Tx,
  table: RevisionedTable,
  kind: string,
  tenantId: string,
  name: string,
  expected: number | undefined,
): Promise<LockedRow> {
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT id::text AS id, revision FROM ${Prisma.raw(`"${table}"`)}
     WHERE tenant_id = ${tenantId}::uuid AND name = ${name} FOR UPDATE`;
  const current = found(kind, name, rows[0] ?? null);
  if (expected !== undefined && expected !== current.revision) {
    throw new DomainError(
      'FAILED_PRECONDITION',
      `${kind} '${name}' is at revision ${current.revision}, not ${expected}`,
    );
  }
  return current;
}

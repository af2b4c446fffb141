import { DomainError } from '@envoy-fleet/domain';
import { Prisma } from './generated/prisma/client';

function isKnownError(err: unknown, code: string): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

/** A raw statement's unique violation, as the driver adapter reports it (P2010 with its cause). */
function isRawUniqueViolation(err: unknown): boolean {
  if (!isKnownError(err, 'P2010')) return false;
  const meta = (err as Prisma.PrismaClientKnownRequestError).meta as
    { driverAdapterError?: { cause?: { kind?: string } } } | undefined;
  return meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}

/** Runs a write, turning a unique violation (P2002) into ALREADY_EXISTS for `kind` `name`. */
export async function uniqueAs<T>(kind: string, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isKnownError(err, 'P2002') || isRawUniqueViolation(err)) throw DomainError.alreadyExists(kind, name);
    throw err;
  }
}

/** Runs a write on one row, turning "record not found" (P2025) into NOT_FOUND for `kind` `name`. */
export async function existingAs<T>(kind: string, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isKnownError(err, 'P2025')) throw DomainError.notFound(kind, name);
    throw err;
  }
}

/** Returns `row`, or throws NOT_FOUND for `kind` `name` when it is null. */
export function found<T>(kind: string, name: string, row: T | null): T {
  if (row === null) throw DomainError.notFound(kind, name);
  return row;
}

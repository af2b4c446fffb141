import { Prisma } from './generated/prisma/client';

/** A JSON value as stored in a jsonb column. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Converts a JSON value for a Prisma jsonb input; SQL NULL is written for a JSON null. */
export function toJsonInput(value: Json | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (value === undefined || value === null) return Prisma.DbNull;
  return value as Prisma.InputJsonValue;
}

/** Converts a jsonb column read by Prisma back to a JSON value. */
export function fromJson(value: Prisma.JsonValue | null): Json {
  return value as Json;
}

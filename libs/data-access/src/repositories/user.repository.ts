import { Injectable } from '@nestjs/common';
import type { Role } from '@envoy-fleet/domain';
import type { SystemTx, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';

const KIND = 'user';

/** A user who logs in with email and password; belongs to one tenant. */
export interface UserRecord {
  id: string;
  tenantId: string;
  email: string;
  passwordHash: string;
  roles: Role[];
  createdAt: Date;
}

/** The fields needed to create a user. */
export interface NewUser {
  tenantId: string;
  email: string;
  passwordHash: string;
  roles: Role[];
}

function toUser(row: Rows.User): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    email: row.email,
    passwordHash: row.passwordHash,
    roles: row.roles as Role[],
    createdAt: row.createdAt,
  };
}

/** Users. Emails are unique across tenants, since login starts from an email alone. */
@Injectable()
export class UserRepository {
  /** Creates a user; ALREADY_EXISTS when the email is taken (in any tenant). */
  async create(tx: Tx, user: NewUser): Promise<UserRecord> {
    return toUser(await uniqueAs(KIND, user.email, () => tx.user.create({ data: user })));
  }

  /** Looks a user up by email across tenants, for login; needs the system role. */
  async findByEmail(tx: SystemTx, email: string): Promise<UserRecord | null> {
    const row = await tx.user.findUnique({ where: { email } });
    return row ? toUser(row) : null;
  }

  /** The user with this id in the tenant; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, id: string): Promise<UserRecord> {
    return toUser(found(KIND, id, await tx.user.findFirst({ where: { id, tenantId } })));
  }

  /** The tenant's users, by email. */
  async list(tx: Tx, tenantId: string): Promise<UserRecord[]> {
    const rows = await tx.user.findMany({ where: { tenantId }, orderBy: { email: 'asc' } });
    return rows.map(toUser);
  }
}

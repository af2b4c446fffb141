import { Injectable } from '@nestjs/common';
import type { Role } from '@envoy-fleet/domain';
import type { SystemTx, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';
import type { Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, readPage, scopedKeysetArgs } from '../paging';

const KIND = 'api-key';

/** An API key: looked up by its public prefix, verified against the hash of its secret part. */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  secretHash: string;
  roles: Role[];
  revokedAt?: Date;
  /** After this instant the key is refused; absent: it never expires. */
  expiresAt?: Date;
  lastUsedAt?: Date;
  createdAt: Date;
  /** Bumped when what its owner set changes (not by its use): the ETag. */
  revision: number;
}

/** The fields needed to create an API key. */
export interface NewApiKey {
  tenantId: string;
  name: string;
  prefix: string;
  secretHash: string;
  roles: Role[];
  expiresAt?: Date;
}

function toApiKey(row: Rows.ApiKey): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secretHash,
    roles: row.roles as Role[],
    ...(row.revokedAt ? { revokedAt: row.revokedAt } : {}),
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    ...(row.lastUsedAt ? { lastUsedAt: row.lastUsedAt } : {}),
    createdAt: row.createdAt,
    revision: row.revision,
  };
}

/** API keys for machine clients. */
@Injectable()
export class ApiKeyRepository {
  /** Creates a key; ALREADY_EXISTS when the prefix collides. */
  async create(tx: Tx, key: NewApiKey): Promise<ApiKeyRecord> {
    return toApiKey(await uniqueAs(KIND, key.prefix, () => tx.apiKey.create({ data: key })));
  }

  /** Finds a key by prefix across tenants, to authenticate a request; needs the system role. */
  async findByPrefix(tx: SystemTx, prefix: string): Promise<ApiKeyRecord | null> {
    const row = await tx.apiKey.findUnique({ where: { prefix } });
    return row ? toApiKey(row) : null;
  }

  /** The tenant's key `id` (revoked or not); NOT_FOUND when the tenant has no such key. */
  async get(tx: Tx, tenantId: string, id: string): Promise<ApiKeyRecord> {
    return toApiKey(found(KIND, id, await tx.apiKey.findFirst({ where: { id, tenantId } })));
  }

  /** One page of the tenant's keys (revoked ones too) by keyset: one query of at most `limit + 1` rows. */
  async page(tx: Tx, tenantId: string, request: PageRequest): Promise<Page<ApiKeyRecord>> {
    const page = await readPage(request, { name: 'name' }, (args) =>
      tx.apiKey.findMany(scopedKeysetArgs<Prisma.ApiKeyFindManyArgs>(args, { tenantId })),
    );
    return { items: page.items.map(toApiKey), nextCursor: page.nextCursor };
  }

  /** Revokes the key (kept for the audit trail); NOT_FOUND when the tenant has no such key. */
  async revoke(tx: Tx, tenantId: string, id: string, at = new Date()): Promise<ApiKeyRecord> {
    // Revoking twice keeps the first revocation time.
    await tx.apiKey.updateMany({ where: { id, tenantId, revokedAt: null }, data: { revokedAt: at } });
    return this.get(tx, tenantId, id);
  }

  /** Records that the key was just used. */
  async touch(tx: Tx, id: string, at = new Date()): Promise<void> {
    await tx.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}

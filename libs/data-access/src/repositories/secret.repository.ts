import { Injectable } from '@nestjs/common';
import type { Secret } from '@envoy-fleet/domain';
import type { Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { toSecret } from '../mappers';
import { type Page, type PageRequest, readPage, scopedKeysetArgs } from '../paging';
import { lockRevision, type Revisioned } from '../revision';

const KIND = 'secret';

function fields(secret: Secret) {
  return {
    type: secret.type,
    certificatePem: secret.certificatePem,
    privateKeyPem: secret.privateKeyPem ?? null,
  };
}

/**
 * TLS secrets (certificates, keys, CA bundles), one tenant at a time. `privateKeyPem` is stored as
 * given: callers hand in the sealed key (SecretBox) and open it after reading.
 */
@Injectable()
export class SecretRepository {
  /** Creates a secret; ALREADY_EXISTS when the name is taken. */
  async create(tx: Tx, tenantId: string, secret: Secret): Promise<Revisioned<Secret>> {
    const row = await uniqueAs(KIND, secret.name, () =>
      tx.secret.create({ data: { tenantId, name: secret.name, ...fields(secret) } }),
    );
    return toSecret(row);
  }

  /** The named secret; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, name: string): Promise<Revisioned<Secret>> {
    const row = await tx.secret.findUnique({ where: { tenantId_name: { tenantId, name } } });
    return toSecret(found(KIND, name, row));
  }

  /** Every secret of the tenant, by name. */
  async list(tx: Tx, tenantId: string): Promise<Revisioned<Secret>[]> {
    const rows = await tx.secret.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map(toSecret);
  }

  /** One page of the tenant's secrets by keyset: a single query of at most `limit + 1` rows. */
  async page(tx: Tx, tenantId: string, request: PageRequest): Promise<Page<Revisioned<Secret>>> {
    const page = await readPage(request, { name: 'name' }, (args) =>
      tx.secret.findMany(scopedKeysetArgs<Prisma.SecretFindManyArgs>(args, { tenantId })),
    );
    return { items: page.items.map(toSecret), nextCursor: page.nextCursor };
  }

  /** Replaces the secret and bumps its revision; FAILED_PRECONDITION on a stale `expectedRevision`. */
  async update(
    tx: Tx,
    tenantId: string,
    secret: Secret,
    expectedRevision?: number,
  ): Promise<Revisioned<Secret>> {
    const current = await lockRevision(tx, 'secrets', KIND, tenantId, secret.name, expectedRevision);
    const row = await tx.secret.update({
      where: { id: current.id },
      data: { ...fields(secret), revision: current.revision + 1 },
    });
    return toSecret(row);
  }

  /** Deletes the secret and returns what was deleted. */
  async delete(
    tx: Tx,
    tenantId: string,
    name: string,
    expectedRevision?: number,
  ): Promise<Revisioned<Secret>> {
    const current = await lockRevision(tx, 'secrets', KIND, tenantId, name, expectedRevision);
    return toSecret(await tx.secret.delete({ where: { id: current.id } }));
  }
}

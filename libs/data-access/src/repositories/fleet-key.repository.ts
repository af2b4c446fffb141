import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Database, SystemTx } from '../database';

/** Secrets the control plane makes for itself, each created once and shared by every replica. */
@Injectable()
export class FleetKeyRepository {
  /** The key named `name`, created with `make()` by whichever caller comes first. */
  async getOrCreate(tx: SystemTx, name: string, make: () => string): Promise<string> {
    await tx.fleetKey.createMany({ data: [{ name, secret: make() }], skipDuplicates: true });
    const row = await tx.fleetKey.findUniqueOrThrow({ where: { name } });
    return row.secret;
  }
}

/**
 * The key proxy tokens are signed with: `configured` when set (PROXY_TOKEN_SECRET), else one made
 * once and kept in the database, so api-gateway and every xds-server replica agree without setup.
 */
export function proxyTokenKey(db: Database, keys: FleetKeyRepository, configured: string): Promise<string> {
  if (configured) return Promise.resolve(configured);
  return db.asSystem((tx) =>
    keys.getOrCreate(tx, 'proxy-token', () => randomBytes(32).toString('base64url')),
  );
}

/**
 * The AES-256-GCM key (base64, 32 bytes) that seals webhook secrets: `configured` when set
 * (SECRETS_ENCRYPTION_KEY), else one made once and kept in the database. Production should set it,
 * so the key does not sit beside what it protects.
 */
export function secretsEncryptionKey(
  db: Database,
  keys: FleetKeyRepository,
  configured: string,
): Promise<string> {
  if (configured) return Promise.resolve(configured);
  return db.asSystem((tx) =>
    keys.getOrCreate(tx, 'secrets-encryption', () => randomBytes(32).toString('base64')),
  );
}

import { createHash, randomBytes } from 'node:crypto';
import { randomSecret } from '../auth/password';

const KEY_PREFIX = 'fleet_';
const FORMAT = /^fleet_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$/;

/** A new key: the full text is shown once; only prefix and secret hash are stored. */
export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomSecret(32);
  return { key: `${KEY_PREFIX}${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/**
 * Whether a presented credential is meant as an API key (well-formed or not) rather than a JWT:
 * a JWT starts with its base64url header (`eyJ`), never with our key prefix.
 */
export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(KEY_PREFIX);
}

/** Splits a presented key into its lookup prefix and secret, or null if it is not one of ours. */
export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = FORMAT.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : null;
}

/** Keys carry 256 random bits, so a fast hash is enough (unlike passwords). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

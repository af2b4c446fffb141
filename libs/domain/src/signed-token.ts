import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `<prefix>.<claims>.<HMAC-SHA256>`, both parts base64url: a credential that is signed rather than
 * stored. The prefix is part of the MAC input, so a token of one kind never verifies as another.
 */
export function signToken(prefix: string, claims: Record<string, unknown>, key: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${prefix}.${body}.${mac(prefix, body, key)}`;
}

/** The raw claims of a well-formed `prefix` token signed with `key`, or null for anything else. */
export function openToken(prefix: string, token: string, key: string): Record<string, unknown> | null {
  const [given, body, signature, ...rest] = token.split('.');
  if (given !== prefix || !body || !signature || rest.length > 0) return null;
  const expected = Buffer.from(mac(prefix, body, key));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function mac(prefix: string, body: string, key: string): string {
  return createHmac('sha256', key).update(`${prefix}.${body}`).digest('base64url');
}

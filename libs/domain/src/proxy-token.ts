import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'fpt';

/** Who a proxy token lets in: one node id of one tenant, until the proxy's tokens are rotated. */
export interface ProxyTokenClaims {
  proxyId: string;
  tenantId: string;
  nodeId: string;
  /** The proxy's token generation when issued; rotating bumps it and refuses older tokens. */
  generation: number;
}

/**
 * A proxy's credential for xDS: `fpt.<claims>.<HMAC-SHA256>`, both parts base64url. Signed rather
 * than stored, so the API can put one in every bootstrap it hands out; revoked by generation.
 */
export function signProxyToken(claims: ProxyTokenClaims, key: string): string {
  const body = Buffer.from(
    JSON.stringify({ p: claims.proxyId, t: claims.tenantId, n: claims.nodeId, g: claims.generation }),
  ).toString('base64url');
  return `${PREFIX}.${body}.${mac(body, key)}`;
}

/** The claims of a well-formed token signed with `key`, or null for anything else. */
export function verifyProxyToken(token: string, key: string): ProxyTokenClaims | null {
  const [prefix, body, signature, ...rest] = token.split('.');
  if (prefix !== PREFIX || !body || !signature || rest.length > 0) return null;
  const expected = Buffer.from(mac(body, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { p, t, n, g } = raw;
    if (typeof p !== 'string' || typeof t !== 'string' || typeof n !== 'string' || !Number.isInteger(g)) {
      return null;
    }
    return { proxyId: p, tenantId: t, nodeId: n, generation: g as number };
  } catch {
    return null;
  }
}

function mac(body: string, key: string): string {
  return createHmac('sha256', key).update(`${PREFIX}.${body}`).digest('base64url');
}

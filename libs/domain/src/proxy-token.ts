import { openToken, signToken } from './signed-token';

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
  const { proxyId: p, tenantId: t, nodeId: n, generation: g } = claims;
  return signToken(PREFIX, { p, t, n, g }, key);
}

/** The claims of a well-formed token signed with `key`, or null for anything else. */
export function verifyProxyToken(token: string, key: string): ProxyTokenClaims | null {
  const claims = openToken(PREFIX, token, key);
  if (!claims) return null;
  const { p, t, n, g } = claims;
  if (typeof p !== 'string' || typeof t !== 'string' || typeof n !== 'string' || !Number.isInteger(g)) {
    return null;
  }
  return { proxyId: p, tenantId: t, nodeId: n, generation: g as number };
}

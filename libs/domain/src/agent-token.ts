import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'fat';

/** Who an agent token lets in: the node-agent of one VM of one tenant, until a new token is issued. */
export interface AgentTokenClaims {
  vmId: string;
  tenantId: string;
  /** The VM's agent token generation when issued; issuing again bumps it and refuses older tokens. */
  generation: number;
}

/**
 * A node-agent's credential: `fat.<claims>.<HMAC-SHA256>`, both parts base64url, signed like proxy
 * tokens (proxy-token.ts) so nothing secret is stored; revoked by generation.
 */
export function signAgentToken(claims: AgentTokenClaims, key: string): string {
  const body = Buffer.from(
    JSON.stringify({ v: claims.vmId, t: claims.tenantId, g: claims.generation }),
  ).toString('base64url');
  return `${PREFIX}.${body}.${mac(body, key)}`;
}

/** The claims of a well-formed agent token signed with `key`, or null for anything else. */
export function verifyAgentToken(token: string, key: string): AgentTokenClaims | null {
  const [prefix, body, signature, ...rest] = token.split('.');
  if (prefix !== PREFIX || !body || !signature || rest.length > 0) return null;
  const expected = Buffer.from(mac(body, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { v, t, g } = raw;
    if (typeof v !== 'string' || typeof t !== 'string' || !Number.isInteger(g)) return null;
    return { vmId: v, tenantId: t, generation: g as number };
  } catch {
    return null;
  }
}

function mac(body: string, key: string): string {
  // A different prefix in the MAC input keeps a proxy token from ever verifying as an agent token.
  return createHmac('sha256', key).update(`${PREFIX}.${body}`).digest('base64url');
}

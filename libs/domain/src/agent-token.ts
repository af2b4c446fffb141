import { openToken, signToken } from './signed-token';

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
 * tokens (signed-token.ts) so nothing secret is stored; revoked by generation.
 */
export function signAgentToken(claims: AgentTokenClaims, key: string): string {
  const { vmId: v, tenantId: t, generation: g } = claims;
  return signToken(PREFIX, { v, t, g }, key);
}

/** The claims of a well-formed agent token signed with `key`, or null for anything else. */
export function verifyAgentToken(token: string, key: string): AgentTokenClaims | null {
  const claims = openToken(PREFIX, token, key);
  if (!claims) return null;
  const { v, t, g } = claims;
  if (typeof v !== 'string' || typeof t !== 'string' || !Number.isInteger(g)) return null;
  return { vmId: v, tenantId: t, generation: g as number };
}

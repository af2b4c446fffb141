import { DomainError, Principal } from '@envoy-fleet/domain';
import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeApiKey } from '../api-keys/api-key-format';
import { activeApiKeyVerifier } from './api-key-verifier';
import { activeJwtStrategy, bearerToken } from './jwt.strategy';

/** What a request authenticates with: a token from `POST /v1/auth/token`, or an API key itself. */
export interface Credential {
  kind: 'token' | 'api-key';
  value: string;
}

/**
 * The request's credential: `Authorization: Bearer <token or API key>` (told apart by the key's
 * format), or `X-Api-Key: <API key>`; undefined when none is sent. Both at once is refused: the
 * caller's identity (and the audit rows' actor) must not depend on which one we would prefer.
 */
export function credentialOf(headers: IncomingHttpHeaders): Credential | undefined {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (authorization !== undefined && apiKey !== undefined) {
    throw unauthenticated('send either Authorization or X-Api-Key, not both');
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || !looksLikeApiKey(apiKey.trim())) {
      throw unauthenticated('X-Api-Key takes one API key (fleet_<prefix>_<secret>)');
    }
    return { kind: 'api-key', value: apiKey.trim() };
  }
  if (authorization === undefined) return undefined;
  const value = bearerToken(authorization);
  if (!value) throw unauthenticated('Authorization takes "Bearer <token or API key>"');
  return { kind: looksLikeApiKey(value) ? 'api-key' : 'token', value };
}

/**
 * The request's principal: at once for a token or a recently verified key, else after the key's
 * look-up. Missing, malformed, expired, unknown or revoked credentials are UNAUTHENTICATED.
 */
export function authenticateRequest(headers: IncomingHttpHeaders): Principal | Promise<Principal> {
  const credential = credentialOf(headers);
  if (credential?.kind === 'api-key') return activeApiKeyVerifier().authenticate(credential.value);
  return activeJwtStrategy().authenticate(credential?.value);
}

/**
 * The request's principal when it is known without I/O (a token, or a key verified moments ago);
 * throws otherwise, also when the credential merely needs a look-up first. For code that must not
 * wait (the cached-read hook), which then leaves the request to the guard.
 */
export function authenticateNow(headers: IncomingHttpHeaders): Principal {
  const credential = credentialOf(headers);
  if (credential?.kind !== 'api-key') return activeJwtStrategy().authenticate(credential?.value);
  const principal = activeApiKeyVerifier().remembered(credential.value);
  if (!principal) throw unauthenticated('the API key needs a look-up');
  return principal;
}

function unauthenticated(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', `authentication failed: ${reason}`);
}

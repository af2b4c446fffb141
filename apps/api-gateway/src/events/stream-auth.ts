import { Principal } from '@envoy-fleet/domain';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { IncomingMessage } from 'node:http';
import { activeApiKeyVerifier } from '../auth/api-key-verifier';
import { JwtAuthGuard } from '../auth/guards';
import { activeJwtStrategy } from '../auth/jwt.strategy';
import { credentialOf } from '../auth/request-credentials';

/** Where `/v1/events` is served, over SSE and WebSocket alike. */
export const EVENTS_PATH = '/v1/events';

/**
 * Browsers' EventSource and WebSocket cannot send an Authorization header, so `/v1/events` also
 * takes the bearer token (or API key) as `?access_token=` (RFC 6750 section 2.3). It is copied
 * into the header before authentication, so the same guard checks it; a header
 * (Authorization or X-Api-Key), when sent, wins.
 */
export function acceptAccessTokenParam(headers: IncomingMessage['headers'], url: string): void {
  if (!url.startsWith(EVENTS_PATH) || sendsCredentialHeader(headers)) return;
  const parsed = new URL(url, 'http://localhost');
  if (parsed.pathname !== EVENTS_PATH) return;
  const token = parsed.searchParams.get('access_token');
  if (token) headers.authorization = `Bearer ${token}`;
}

function sendsCredentialHeader(headers: IncomingMessage['headers']): boolean {
  return headers.authorization !== undefined || headers['x-api-key'] !== undefined;
}

/**
 * When the request's stream must end (epoch ms): when its bearer token expires, or, for an API
 * key, when a token exchanged for it now would (or the key itself expires, if sooner). The client then reconnects and its key is checked
 * again, so a revoked key's stream does not outlive the token it could have been swapped for.
 * Called after authentication, so the credential is known to be good.
 */
export function tokenExpiresAt(headers: IncomingMessage['headers']): number | undefined {
  let credential;
  try {
    credential = credentialOf(headers);
  } catch {
    return undefined;
  }
  if (credential?.kind === 'api-key') {
    const tokenWouldEnd = Date.now() + activeJwtStrategy().tokenTtlSeconds * 1000;
    return Math.min(tokenWouldEnd, activeApiKeyVerifier().expiryOf(credential.value) ?? Infinity);
  }
  const payload = credential?.value.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Authenticates a WebSocket upgrade request (which never reaches Nest's router) with the very
 * guard every route uses; rejects with the guard's DomainError (UNAUTHENTICATED).
 */
export async function authenticateUpgrade(request: IncomingMessage): Promise<Principal> {
  const withUser = request as IncomingMessage & { user?: Principal };
  await new JwtAuthGuard().canActivate(new ExecutionContextHost([withUser, {}]));
  if (!withUser.user) throw new Error('authentication produced no principal');
  return withUser.user;
}

import { Principal } from '@envoy-fleet/domain';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { IncomingMessage } from 'node:http';
import { JwtAuthGuard } from '../auth/guards';

/** Where `/v1/events` is served, over SSE and WebSocket alike. */
export const EVENTS_PATH = '/v1/events';

/**
 * Browsers' EventSource and WebSocket cannot send an Authorization header, so `/v1/events` also
 * takes the bearer token as `?access_token=` (RFC 6750 section 2.3). It is copied into the header
 * before authentication, so the same guard checks it; a header, when sent, wins.
 */
export function acceptAccessTokenParam(headers: IncomingMessage['headers'], url: string): void {
  if (!url.startsWith(EVENTS_PATH) || headers.authorization !== undefined) return;
  const parsed = new URL(url, 'http://localhost');
  if (parsed.pathname !== EVENTS_PATH || headers.authorization !== undefined) return;
  const token = parsed.searchParams.get('access_token');
  if (token) headers.authorization = `Bearer ${token}`;
}

/** The expiry (epoch ms) of the request's bearer token, so a stream ends when its token does. */
export function tokenExpiresAt(headers: IncomingMessage['headers']): number | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
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

import { createHmac } from 'node:crypto';
import { ApiClient } from './api-client';

/** The issuer and audience the api-gateway uses by default. */
const ISSUER = 'envoy-fleet';
const AUDIENCE = 'envoy-fleet-api';

/** An HS256 JWT carrying `claims` (plus issuer and audience), signed with `secret`. */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: AUDIENCE, ...claims })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Claims of a tenant owner, as the API itself would issue them, valid for the next hour. */
export function ownerClaims(tenantId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'user:00000000-0000-4000-8000-000000000000',
    tenant: tenantId,
    roles: ['owner'],
    iat: now,
    exp: now + 3600,
  };
}

/** Creates an API key with `roles` as `owner`, and returns it with its id. */
export async function createApiKey(
  owner: ApiClient,
  name: string,
  roles: string[],
): Promise<{ id: string; key: string }> {
  const created = await owner.post<{ id: string; key: string }>('/v1/api-keys', { name, roles });
  if (created.status !== 201) throw new Error(`API key not created: ${JSON.stringify(created.body)}`);
  return created.body;
}

/** Exchanges an API key at POST /v1/auth/token; the raw response, so refusals can be checked. */
export function exchangeApiKey(anonymous: ApiClient, apiKey: string) {
  return anonymous.post<{ accessToken: string }>('/v1/auth/token', { apiKey });
}

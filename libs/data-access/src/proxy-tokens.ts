import { DomainError, type ProxyTokenClaims, verifyProxyToken } from '@envoy-fleet/domain';
import type { Database } from './database';
import { type FleetKeyRepository, proxyTokenKey } from './repositories/fleet-key.repository';
import type { ProxyRecord } from './repositories/proxy.repository';

/** gRPC call metadata, as far as reading a header goes. */
export interface HeaderSource {
  get(key: string): unknown[];
}

/** The token of an `authorization: Bearer <token>` header, if there is one. */
export function bearerToken(metadata: HeaderSource): string | undefined {
  const header = metadata.get('authorization')[0];
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
}

/**
 * Checks proxy tokens for the services proxies connect to (xds-server, metrics-service), with the
 * key api-gateway signs them with: the configured PROXY_TOKEN_SECRET, or the one in the database.
 */
export class ProxyTokens {
  private key?: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
    private readonly configuredSecret: string,
  ) {}

  /** The claims of `token` for `nodeId`: UNAUTHENTICATED without a valid one, PERMISSION_DENIED for another node's. */
  async claimsFor(token: string | undefined, nodeId: string, howToSend: string): Promise<ProxyTokenClaims> {
    if (!token) throw new DomainError('UNAUTHENTICATED', `a proxy token is required: ${howToSend}`);
    this.key ??= proxyTokenKey(this.db, this.keys, this.configuredSecret);
    const claims = verifyProxyToken(token, await this.key);
    if (!claims) throw new DomainError('UNAUTHENTICATED', 'the proxy token is not valid');
    if (claims.nodeId !== nodeId) {
      throw new DomainError(
        'PERMISSION_DENIED',
        `the token was issued for node '${claims.nodeId}', not '${nodeId}'`,
      );
    }
    return claims;
  }

  /** Checks the registered proxy against the token: same registration, tokens not rotated since. */
  check(claims: ProxyTokenClaims, proxy: ProxyRecord): void {
    if (proxy.id !== claims.proxyId || proxy.tenantId !== claims.tenantId) {
      throw new DomainError(
        'PERMISSION_DENIED',
        `the token is not for the proxy registered as node '${proxy.nodeId}'`,
      );
    }
    if (claims.generation !== proxy.tokenGeneration) {
      throw new DomainError('UNAUTHENTICATED', 'the proxy token was revoked; fetch a new bootstrap');
    }
  }
}

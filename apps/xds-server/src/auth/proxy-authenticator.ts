import { Database, FleetKeyRepository, ProxyRecord, proxyTokenKey } from '@envoy-fleet/data-access';
import { DomainError, ProxyTokenClaims, verifyProxyToken } from '@envoy-fleet/domain';
import type { core } from '@envoy-fleet/envoy-api';
import type { StreamInfo } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import { XdsConfig } from '../xds-config';

/** Where a proxyless gRPC client, which cannot set headers, carries its token (see the API's bootstrap). */
export const TOKEN_METADATA_KEY = 'envoy-fleet.token';

/** Checks a stream's proxy token: Envoy sends it as a header, gRPC clients in node metadata. */
@Injectable()
export class ProxyAuthenticator {
  private key?: Promise<string>;

  constructor(
    private readonly config: XdsConfig,
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
  ) {}

  /** The claims of the stream's token; UNAUTHENTICATED without a valid one, PERMISSION_DENIED for another node's. */
  async claimsOf(stream: StreamInfo, node: core.Node): Promise<ProxyTokenClaims> {
    const token = bearerToken(stream) ?? metadataToken(node);
    if (!token) {
      throw new DomainError(
        'UNAUTHENTICATED',
        `a proxy token is required: an 'authorization: Bearer' header or node metadata '${TOKEN_METADATA_KEY}' ` +
          '(GET /v1/proxies/:id/bootstrap gives both)',
      );
    }
    this.key ??= proxyTokenKey(this.db, this.keys, this.config.PROXY_TOKEN_SECRET);
    const claims = verifyProxyToken(token, await this.key);
    if (!claims) throw new DomainError('UNAUTHENTICATED', 'the proxy token is not valid');
    if (claims.nodeId !== node.id) {
      throw new DomainError(
        'PERMISSION_DENIED',
        `the token was issued for node '${claims.nodeId}', not '${node.id}'`,
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

function bearerToken(stream: StreamInfo): string | undefined {
  const header = stream.metadata.get('authorization')[0];
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

function metadataToken(node: core.Node): string | undefined {
  const value: unknown = node.metadata?.[TOKEN_METADATA_KEY];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

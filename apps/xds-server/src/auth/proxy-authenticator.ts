import {
  bearerToken,
  Database,
  FleetKeyRepository,
  ProxyRecord,
  ProxyTokens,
} from '@envoy-fleet/data-access';
import { ProxyTokenClaims } from '@envoy-fleet/domain';
import type { core } from '@envoy-fleet/envoy-api';
import type { StreamInfo } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import { XdsConfig } from '../xds-config';

/** Where a proxyless gRPC client, which cannot set headers, carries its token (see the API's bootstrap). */
export const TOKEN_METADATA_KEY = 'envoy-fleet.token';

const HOW_TO_SEND =
  `an 'authorization: Bearer' header or node metadata '${TOKEN_METADATA_KEY}' ` +
  '(GET /v1/proxies/:id/bootstrap gives both)';

/** Checks a stream's proxy token: Envoy sends it as a header, gRPC clients in node metadata. */
@Injectable()
export class ProxyAuthenticator {
  private readonly tokens: ProxyTokens;

  constructor(config: XdsConfig, db: Database, keys: FleetKeyRepository) {
    this.tokens = new ProxyTokens(db, keys, config.PROXY_TOKEN_SECRET);
  }

  /** The claims of the stream's token; UNAUTHENTICATED without a valid one, PERMISSION_DENIED for another node's. */
  claimsOf(stream: StreamInfo, node: core.Node): Promise<ProxyTokenClaims> {
    return this.tokens.claimsFor(bearerToken(stream.metadata) ?? metadataToken(node), node.id, HOW_TO_SEND);
  }

  /** Checks the registered proxy against the token: same registration, tokens not rotated since. */
  check(claims: ProxyTokenClaims, proxy: ProxyRecord): void {
    this.tokens.check(claims, proxy);
  }
}

function metadataToken(node: core.Node): string | undefined {
  const value: unknown = node.metadata?.[TOKEN_METADATA_KEY];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

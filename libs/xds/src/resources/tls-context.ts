import { tls } from '@envoy-fleet/envoy-api';
import type { DownstreamTls, UpstreamTls } from '@envoy-fleet/domain';
import { adsConfigSource } from './cluster';
import { packAny } from './pack';

const PREFIX = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.';
export const UPSTREAM_TLS_CONTEXT_TYPE_URL = `${PREFIX}UpstreamTlsContext`;
export const DOWNSTREAM_TLS_CONTEXT_TYPE_URL = `${PREFIX}DownstreamTlsContext`;
/** The transport socket name Envoy knows TLS by. */
export const TLS_TRANSPORT_SOCKET_NAME = 'envoy.transport_sockets.tls';

// Secrets are referenced by name and fetched over the same ADS stream (SDS), never inlined, so a
// key reaches only the proxies that use it and a rotation needs no listener or cluster change.
function commonTlsContext(certificateSecret?: string, validationSecret?: string): tls.CommonTlsContext {
  return tls.CommonTlsContext.fromPartial({
    tlsCertificateSdsSecretConfigs:
      certificateSecret === undefined ? [] : [{ name: certificateSecret, sdsConfig: adsConfigSource() }],
    validationContextSdsSecretConfig:
      validationSecret === undefined ? undefined : { name: validationSecret, sdsConfig: adsConfigSource() },
  });
}

/** A cluster's `transport_socket` for TLS to its upstreams. */
export function upstreamTransportSocket(settings: UpstreamTls) {
  const context = tls.UpstreamTlsContext.fromPartial({
    commonTlsContext: commonTlsContext(settings.certificateSecret, settings.validationSecret),
    sni: settings.sni ?? '',
  });
  return {
    name: TLS_TRANSPORT_SOCKET_NAME,
    typedConfig: packAny(UPSTREAM_TLS_CONTEXT_TYPE_URL, tls.UpstreamTlsContext, context),
  };
}

/** A filter chain's `transport_socket` for TLS from downstream clients. */
export function downstreamTransportSocket(settings: DownstreamTls) {
  const context = tls.DownstreamTlsContext.fromPartial({
    commonTlsContext: commonTlsContext(settings.certificateSecret, settings.validationSecret),
    requireClientCertificate: settings.validationSecret === undefined ? undefined : true,
  });
  return {
    name: TLS_TRANSPORT_SOCKET_NAME,
    typedConfig: packAny(DOWNSTREAM_TLS_CONTEXT_TYPE_URL, tls.DownstreamTlsContext, context),
  };
}

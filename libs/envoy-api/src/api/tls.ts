/** envoy.extensions.transport_sockets.tls.v3: secrets (SDS) and TLS contexts. */
export * from '../generated/envoy/extensions/transport_sockets/tls/v3/secret';
export * from '../generated/envoy/extensions/transport_sockets/tls/v3/common';
export * from '../generated/envoy/extensions/transport_sockets/tls/v3/tls';

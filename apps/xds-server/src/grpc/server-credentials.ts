import { ServerCredentials } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import type { XdsConfig } from '../xds-config';

/**
 * The ADS port's transport: plaintext by default; TLS when a certificate and key are configured;
 * mutual TLS (proxies must present a certificate signed by the CA) when a client CA is too.
 */
export function serverCredentials(config: XdsConfig): ServerCredentials {
  const { XDS_TLS_CERT_FILE: cert, XDS_TLS_KEY_FILE: key, XDS_TLS_CLIENT_CA_FILE: clientCa } = config;
  if (!cert && !key) {
    if (clientCa) throw new Error('XDS_TLS_CLIENT_CA_FILE needs XDS_TLS_CERT_FILE and XDS_TLS_KEY_FILE');
    return ServerCredentials.createInsecure();
  }
  if (!cert || !key) throw new Error('XDS_TLS_CERT_FILE and XDS_TLS_KEY_FILE go together');
  const keyPair = { cert_chain: readFileSync(cert), private_key: readFileSync(key) };
  return ServerCredentials.createSsl(clientCa ? readFileSync(clientCa) : null, [keyPair], Boolean(clientCa));
}

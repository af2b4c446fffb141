import { tls } from '@envoy-fleet/envoy-api';
import type { Secret } from '@envoy-fleet/domain';

/** Renders a secret as a TLS certificate (chain + key) or a validation context (trusted CA). */
export function renderSecret(secret: Secret): tls.Secret {
  if (secret.type === 'VALIDATION_CONTEXT') {
    return tls.Secret.fromPartial({
      name: secret.name,
      validationContext: { trustedCa: { inlineString: secret.certificatePem } },
    });
  }
  return tls.Secret.fromPartial({
    name: secret.name,
    tlsCertificate: {
      certificateChain: { inlineString: secret.certificatePem },
      privateKey: { inlineString: secret.privateKeyPem ?? '' },
    },
  });
}

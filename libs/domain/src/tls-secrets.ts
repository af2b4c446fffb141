import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { Secret, SecretType } from './config-model';
import { FieldViolation } from './errors';

/** What the API shows of a secret: never the key, only facts about its certificates. */
export interface SecretMetadata {
  name: string;
  type: SecretType;
  /** SHA-256 fingerprint of the first certificate (the leaf, or the first CA). */
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  subjects: string[];
  /** DNS names and IPs of the leaf's subjectAltName (TLS_CERTIFICATE only). */
  subjectAltNames: string[];
  hasPrivateKey: boolean;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order; throws on one that does not parse. */
export function parseCertificates(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

/** PEM checks on write: certificates parse, a key is present only where it belongs and matches the leaf. */
export function secretViolations(secret: Secret): FieldViolation[] {
  let leaf: X509Certificate | undefined;
  try {
    leaf = parseCertificates(secret.certificatePem)[0];
  } catch (error) {
    return [
      { field: 'certificatePem', message: `a certificate does not parse: ${(error as Error).message}` },
    ];
  }
  if (leaf === undefined) {
    return [{ field: 'certificatePem', message: 'must hold at least one PEM certificate' }];
  }
  if (secret.type === 'VALIDATION_CONTEXT') {
    return secret.privateKeyPem === undefined
      ? []
      : [{ field: 'privateKeyPem', message: 'a validation context has no private key' }];
  }
  if (secret.privateKeyPem === undefined) {
    return [{ field: 'privateKeyPem', message: 'is required for a TLS certificate' }];
  }
  try {
    const key = createPrivateKey(secret.privateKeyPem);
    const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const fromCertificate = leaf.publicKey.export({ type: 'spki', format: 'der' });
    if (!fromKey.equals(fromCertificate)) {
      return [{ field: 'privateKeyPem', message: 'does not match the first certificate of certificatePem' }];
    }
  } catch (error) {
    return [{ field: 'privateKeyPem', message: `not a PEM private key: ${(error as Error).message}` }];
  }
  return [];
}

/** The metadata of a secret whose PEM passed `secretViolations`. */
export function secretMetadata(secret: Secret): SecretMetadata {
  const certificates = parseCertificates(secret.certificatePem);
  const leaf = certificates[0];
  if (leaf === undefined) throw new Error(`secret '${secret.name}' holds no certificate`);
  return {
    name: secret.name,
    type: secret.type,
    fingerprint: leaf.fingerprint256,
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
    subjects: certificates.map((c) => c.subject.replace(/\n/g, ', ')),
    subjectAltNames:
      secret.type === 'TLS_CERTIFICATE'
        ? (leaf.subjectAltName ?? '').split(', ').filter((name) => name !== '')
        : [],
    hasPrivateKey: secret.privateKeyPem !== undefined,
  };
}

// libs/domain cannot import @envoy-fleet/testing (it depends on domain), so this spec makes its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretMetadata, secretViolations } from './tls-secrets';

/** A fresh self-signed certificate and its key, made by openssl for this run. */
function selfSigned(cn: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-secrets-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '30',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=DNS:${cn}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('secretViolations', () => {
  const a = selfSigned('a.example.com');
  const b = selfSigned('b.example.com');

  it('accepts a certificate with its own key, and a CA bundle without one', () => {
    expect(
      secretViolations({ name: 's', type: 'TLS_CERTIFICATE', certificatePem: a.cert, privateKeyPem: a.key }),
    ).toEqual([]);
    expect(
      secretViolations({ name: 'ca', type: 'VALIDATION_CONTEXT', certificatePem: a.cert + b.cert }),
    ).toEqual([]);
  });

  it('names the field that is wrong', () => {
    const field = (secret: Parameters<typeof secretViolations>[0]) =>
      secretViolations(secret).map((v) => v.field);
    expect(
      field({ name: 's', type: 'TLS_CERTIFICATE', certificatePem: 'not a pem', privateKeyPem: a.key }),
    ).toEqual(['certificatePem']);
    expect(field({ name: 's', type: 'TLS_CERTIFICATE', certificatePem: a.cert })).toEqual(['privateKeyPem']);
    expect(
      field({ name: 's', type: 'TLS_CERTIFICATE', certificatePem: a.cert, privateKeyPem: 'junk' }),
    ).toEqual(['privateKeyPem']);
    expect(
      field({ name: 'ca', type: 'VALIDATION_CONTEXT', certificatePem: a.cert, privateKeyPem: a.key }),
    ).toEqual(['privateKeyPem']);
    const broken = a.cert.replace(/\n[A-Za-z0-9+/]{8}/, '\n!!!!!!!!');
    expect(field({ name: 's', type: 'VALIDATION_CONTEXT', certificatePem: broken })).toEqual([
      'certificatePem',
    ]);
  });

  it('refuses a key that belongs to another certificate', () => {
    expect(
      secretViolations({ name: 's', type: 'TLS_CERTIFICATE', certificatePem: a.cert, privateKeyPem: b.key }),
    ).toEqual([
      { field: 'privateKeyPem', message: 'does not match the first certificate of certificatePem' },
    ]);
  });

  it('describes a secret by fingerprint, validity and subjects, never by its key', () => {
    const metadata = secretMetadata({
      name: 's',
      type: 'TLS_CERTIFICATE',
      certificatePem: a.cert,
      privateKeyPem: a.key,
    });
    expect(metadata).toMatchObject({
      name: 's',
      type: 'TLS_CERTIFICATE',
      subjects: ['CN=a.example.com'],
      subjectAltNames: ['DNS:a.example.com'],
      hasPrivateKey: true,
    });
    expect(metadata.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(metadata.notAfter)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(metadata)).not.toContain('PRIVATE KEY');
  });
});

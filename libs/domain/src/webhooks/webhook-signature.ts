import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Fleet-Signature` of a generic delivery: `v1=` and the hex HMAC-SHA256, keyed by the
 * subscription's secret, of `<X-Fleet-Timestamp>.<raw body>`.
 */
export function fleetSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** GitHub's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body. */
export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Compares two signatures in constant time. */
export function signaturesEqual(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { BinaryWriter } from '@bufbuild/protobuf/wire';

/** DiscoveryResponse.nonce is field 5, length-delimited: tag (5 << 3) | 2. */
const NONCE_TAG = (5 << 3) | 2;

/**
 * Appends the nonce to a DiscoveryResponse encoded without one. Protobuf allows fields in any
 * order, so the shared body is encoded once per snapshot and each stream adds only its nonce.
 */
export function withNonce(body: Buffer, nonce: string): Buffer {
  // Nonces count each stream's responses, so streams that connected alike send the same one:
  // those share one buffer (as a fan-out that writes one encoding N times would).
  let byNonce = encoded.get(body);
  const shared = byNonce?.get(nonce);
  if (shared) return shared;
  const field = new BinaryWriter().uint32(NONCE_TAG).string(nonce).finish();
  const message = Buffer.concat([body, field]);
  if (!byNonce) encoded.set(body, (byNonce = new Map()));
  if (byNonce.size < MAX_NONCES_PER_BODY) byNonce.set(nonce, message);
  return message;
}

/** Responses with their nonce, per body (which lives as long as its snapshot). */
const encoded = new WeakMap<Buffer, Map<string, Buffer>>();
/** Each kept response is a body's size again: keep the few nonces most streams share. */
const MAX_NONCES_PER_BODY = 8;

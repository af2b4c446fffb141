import { BinaryWriter } from '@bufbuild/protobuf/wire';

/** DiscoveryResponse.nonce is field 5, length-delimited: tag (5 << 3) | 2. */
const NONCE_TAG = (5 << 3) | 2;

/**
 * Appends the nonce to a DiscoveryResponse encoded without one. Protobuf allows fields in any
 * order, so the shared body is encoded once per snapshot and each stream adds only its nonce.
 */
export function withNonce(body: Buffer, nonce: string): Buffer {
  const field = new BinaryWriter().uint32(NONCE_TAG).string(nonce).finish();
  return Buffer.concat([body, field]);
}

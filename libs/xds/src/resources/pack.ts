import { protobuf } from '@envoy-fleet/envoy-api';

/** The encode half of a ts-proto message's functions. */
export interface MessageEncoder<T> {
  encode(message: T): { finish(): Uint8Array };
}

/** Packs a message into a `google.protobuf.Any`. */
export function packAny<T>(typeUrl: string, encoder: MessageEncoder<T>, message: T): protobuf.Any {
  return { typeUrl, value: Buffer.from(encoder.encode(message).finish()) };
}

/** Milliseconds as a `google.protobuf.Duration`. */
export function durationFromMs(ms: number): protobuf.Duration {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { DeltaWatchResponse } from '../cache/watcher';
import { typeUrlOf } from '../resource-types';

/**
 * Encodes a DeltaDiscoveryResponse around already-encoded `Resource`s, so each resource is
 * encoded once per snapshot however many streams receive it. Field numbers: system_version_info
 * 1, resources 2, type_url 4, nonce 5, removed_resources 6.
 */
export function encodeDeltaResponse(response: DeltaWatchResponse, nonce: string): Buffer {
  const writer = new BinaryWriter();
  writer.uint32((1 << 3) | 2).string(response.version);
  for (const resource of response.resources) writer.uint32((2 << 3) | 2).bytes(resource.encoded);
  writer.uint32((4 << 3) | 2).string(typeUrlOf(response.type));
  writer.uint32((5 << 3) | 2).string(nonce);
  for (const name of response.removed) writer.uint32((6 << 3) | 2).string(name);
  return Buffer.from(writer.finish());
}

import { metrics } from '@envoy-fleet/envoy-api';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

// Field numbers of envoy.service.metrics.v3.StreamMetricsMessage and io.prometheus.client.MetricFamily.
const IDENTIFIER = 1;
const ENVOY_METRICS = 2;
const NAME_TAG = (1 << 3) | WireType.LengthDelimited; // MetricFamily.name
// Taken once: each access through the `metrics` namespace is a chain of re-export getters.
const { MetricFamily, StreamMetricsMessage_Identifier } = metrics;

/**
 * Decodes a StreamMetricsMessage with the generated decoders, except that a metric family whose
 * name `keep` refuses is left as `{ name, metric: [] }`: Envoy sends every stat on every flush,
 * and decoding the metrics of stats that are dropped anyway is most of the cost of a large message.
 */
export function decodeStreamMetricsMessage(
  bytes: Uint8Array,
  keep: (statName: string) => boolean,
): metrics.StreamMetricsMessage {
  const reader = new BinaryReader(bytes);
  const message: metrics.StreamMetricsMessage = { envoyMetrics: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = (tag & 7) as WireType;
    if (field === IDENTIFIER && wireType === WireType.LengthDelimited) {
      message.identifier = StreamMetricsMessage_Identifier.decode(reader, reader.uint32());
    } else if (field === ENVOY_METRICS && wireType === WireType.LengthDelimited) {
      message.envoyMetrics.push(decodeFamily(reader, reader.uint32(), keep));
    } else {
      reader.skip(wireType, field);
    }
  }
  return message;
}

/** One family of `length` bytes at the reader's position, on the same reader (no copies). */
function decodeFamily(
  reader: BinaryReader,
  length: number,
  keep: (statName: string) => boolean,
): metrics.MetricFamily {
  const start = reader.pos;
  const end = start + length;
  // Encoders write the name first; a family that does not start with it is decoded whole.
  if (length > 0 && reader.uint32() === NAME_TAG) {
    const name = reader.string();
    if (!keep(name)) {
      reader.pos = end;
      return { name, metric: [] };
    }
    // The rest of a message decodes on its own and merges with what came before (protobuf rules).
    const family = MetricFamily.decode(reader, end - reader.pos);
    family.name = name;
    return family;
  }
  reader.pos = start;
  return MetricFamily.decode(reader, length);
}

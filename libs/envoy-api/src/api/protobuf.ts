/** google.protobuf well-known types used in Envoy resources. */
export * from '../generated/google/protobuf/any';
export * from '../generated/google/protobuf/duration';
export * from '../generated/google/protobuf/wrappers';
export * from '../generated/google/protobuf/struct';
export * from '../generated/google/protobuf/timestamp';

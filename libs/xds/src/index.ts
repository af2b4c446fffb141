export * from './resources/envoy-resources';
export { renderCluster, adsConfigSource } from './resources/cluster';
export { renderLoadAssignment } from './resources/load-assignment';
export { renderListener } from './resources/listener';
export { renderRouteConfiguration } from './resources/route-configuration';
export { renderSecret } from './resources/secret';
export { packAny, durationFromMs, type MessageEncoder } from './resources/pack';
export * from './resource-types';
export * from './cache/watcher';
export * from './cache/snapshot';
export { SnapshotCache } from './cache/snapshot-cache';
export { findInconsistencies, routeConfigNamesOf } from './cache/consistency';
export * from './server/callbacks';
export * from './server/grpc-status';
export { type StreamTransport } from './server/xds-stream';
export { SotwStream } from './server/sotw-stream';
export { DeltaStream } from './server/delta-stream';
export { addXdsServices, type XdsServices, type XdsServiceOptions } from './server/xds-services';
export { bindServer } from './server/bind';
export { loadEnvoyProtos, resourceViolations } from './resources/validate-resource';
export {
  clusterViolationsOfEnvoy,
  listenerViolationsOfEnvoy,
  routeConfigurationViolationsOfEnvoy,
  secretViolationsOfEnvoy,
} from './resources/resource-violations';

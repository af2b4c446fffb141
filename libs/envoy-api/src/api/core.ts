/** envoy.config.core.v3: node, addresses, config sources, protocol options. */
export * from '../generated/envoy/config/core/v3/base';
export * from '../generated/envoy/config/core/v3/address';
export * from '../generated/envoy/config/core/v3/config_source';
export * from '../generated/envoy/config/core/v3/protocol';
export * from '../generated/envoy/config/core/v3/extension';
export * from '../generated/envoy/config/core/v3/grpc_service';
export * from '../generated/envoy/config/core/v3/health_check';

/** envoy.config.endpoint.v3: cluster load assignments (EDS). */
export * from '../generated/envoy/config/endpoint/v3/endpoint';
export * from '../generated/envoy/config/endpoint/v3/endpoint_components';

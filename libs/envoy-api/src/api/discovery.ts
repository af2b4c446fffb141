/** envoy.service.discovery.v3: discovery messages and the aggregated discovery service (ADS). */
export * from '../generated/envoy/service/discovery/v3/discovery';
export * from '../generated/envoy/service/discovery/v3/ads';

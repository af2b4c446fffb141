/** envoy.service.status.v3: client status discovery service (CSDS). */
export * from '../generated/envoy/service/status/v3/csds';

/** envoy.service.status.v3: client status discovery service (CSDS). */
export * from '../generated/envoy/service/status/v3/csds';
export {
  ClientResourceStatus,
  type UpdateFailureState,
} from '../generated/envoy/admin/v3/config_dump_shared';
export type { NodeMatcher } from '../generated/envoy/type/matcher/v3/node';
export type { StringMatcher } from '../generated/envoy/type/matcher/v3/string';

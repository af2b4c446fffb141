import { RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { RESOURCE_TYPES, type ResourceType } from '@envoy-fleet/domain';

/** The type URL Envoy uses for a resource type. */
export function typeUrlOf(type: ResourceType): string {
  return RESOURCE_TYPE_URLS[type];
}

/** The resource type served under a type URL, if we serve it. */
export function resourceTypeOf(typeUrl: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => RESOURCE_TYPE_URLS[type] === typeUrl);
}

/**
 * Types where Envoy subscribes by wildcard (an empty first request means "everything"); for the
 * others an empty name list means "nothing", even on the first request.
 */
export const WILDCARD_TYPES: ReadonlySet<ResourceType> = new Set(['listener', 'cluster']);

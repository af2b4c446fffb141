import type { ConfigKind } from './config-model';

/** An Envoy (or proxyless gRPC client) registered to a tenant, known on the wire by `nodeId`. */
export interface Proxy {
  id: string;
  tenantId: string;
  nodeId: string;
  labels: Record<string, string>;
  createdAt: Date;
}

/** xDS resource families, by the short name used in the API and the database. */
export const RESOURCE_TYPES = ['listener', 'route', 'cluster', 'endpoint', 'secret'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** What a proxy did with the last version it was sent of one resource type. */
export const SYNC_STATES = ['PENDING', 'ACKED', 'NACKED'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** An object of the API, as a rejected resource is traced back to it. */
export interface ConfigObjectRef {
  kind: ConfigKind;
  name: string;
}

/** The API objects behind resources a proxy rejected, and the config version they came from. */
export interface ConfigRejection {
  configVersion: number;
  objects: ConfigObjectRef[];
}

/** Which API object kind each xDS resource type is rendered from (endpoints come from clusters). */
export const KIND_OF_RESOURCE_TYPE: Record<ResourceType, ConfigKind> = {
  cluster: 'cluster',
  endpoint: 'cluster',
  listener: 'listener',
  route: 'route-configuration',
  secret: 'secret',
};

export interface ProxyTypeStatus {
  type: ResourceType;
  state: SyncState;
  /** The version last sent to the proxy. */
  sentVersion: string;
  /** The version the proxy last accepted (empty if none yet). */
  ackedVersion: string;
  /** The proxy's error text when state is NACKED. */
  errorDetail?: string;
  /** Resource name -> content hash, as last sent and as last accepted. */
  sentResources: Record<string, string>;
  ackedResources: Record<string, string>;
  /** When state is NACKED: what in the API the rejected resources came from. */
  rejection?: ConfigRejection;
  updatedAt: Date;
}

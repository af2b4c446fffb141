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

export interface ProxyTypeStatus {
  type: ResourceType;
  state: SyncState;
  /** The version last sent to the proxy. */
  sentVersion: string;
  /** The version the proxy last accepted (empty if none yet). */
  ackedVersion: string;
  /** The proxy's error text when state is NACKED. */
  errorDetail?: string;
  updatedAt: Date;
}

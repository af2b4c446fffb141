import type { ResourceType } from '@envoy-fleet/domain';

/** What a stream wants of one resource type, and what it already has. */
export interface WatchRequest {
  nodeId: string;
  type: ResourceType;
  /** Everything of the type (Envoy's LDS/CDS); `resourceNames` is then ignored. */
  wildcard: boolean;
  resourceNames: readonly string[];
  /** The version last sent on this stream ('' for none): an equal version is not sent again. */
  sentVersion: string;
  /** The names sent at `sentVersion`: a newly named resource that exists is sent at once. */
  sentNames: ReadonlySet<string>;
}

/** A DiscoveryResponse for one type, encoded except for its nonce. */
export interface WatchResponse {
  type: ResourceType;
  version: string;
  resourceNames: string[];
  /** The encoded DiscoveryResponse without a nonce; shared between streams, never mutate. */
  body: Buffer;
}

/** Stops a watch; safe to call after it fired or twice. */
export type CancelWatch = () => void;

/** Where stream handlers get resources from (go-control-plane's ConfigWatcher). */
export interface ConfigWatcher {
  /** Calls `respond` once, possibly before returning, when there is something new to send. */
  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch;
}

import type { ResourceType } from '@envoy-fleet/domain';

/** What a stream wants of one resource type, and what it already has. */
export interface WatchRequest {
  /** The stream's key (StreamInfo.key): whose snapshot answers the watch. */
  key: string;
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
  /** Shared between the streams given the same response: never mutate. */
  resourceNames: readonly string[];
  /** The encoded DiscoveryResponse without a nonce; shared between streams, never mutate. */
  body: Buffer;
}

/** Version a Delta client is known to hold for a name it was told does not exist. */
export const KNOWN_ABSENT = '';

/** What a Delta stream wants of one resource type, and what the proxy already holds. */
export interface DeltaWatchRequest {
  /** The stream's key (StreamInfo.key): whose snapshot answers the watch. */
  key: string;
  type: ResourceType;
  /** Subscribed to "*": every resource of the type, besides `subscribed`. */
  wildcard: boolean;
  /** Names subscribed explicitly. */
  subscribed: ReadonlySet<string>;
  /**
   * Name -> version the proxy holds (`KNOWN_ABSENT` once told the name does not exist); a
   * resource whose version differs is sent, a held one that is gone is removed.
   */
  known: ReadonlyMap<string, string>;
  /** Answer even with nothing to send (a first wildcard request waits for an answer). */
  mustRespond: boolean;
}

/** One resource in a Delta response: its version and its encoded `Resource`, shared between streams. */
export interface DeltaResource {
  name: string;
  version: string;
  encoded: Buffer;
}

/** A DeltaDiscoveryResponse for one type, before its envelope and nonce are encoded. */
export interface DeltaWatchResponse {
  type: ResourceType;
  /** The type's snapshot version (system_version_info). */
  version: string;
  resources: DeltaResource[];
  removed: string[];
}

/** Stops a watch; safe to call after it fired or twice. */
export type CancelWatch = () => void;

/** Where stream handlers get resources from (go-control-plane's ConfigWatcher). */
export interface ConfigWatcher {
  /** Calls `respond` once, possibly before returning, when there is something new to send. */
  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch;
  /** The same for a Delta stream: `respond` gets only what changed for it. */
  createDeltaWatch(request: DeltaWatchRequest, respond: (response: DeltaWatchResponse) => void): CancelWatch;
}

import type { Metadata } from '@grpc/grpc-js';
import type { core } from '@envoy-fleet/envoy-api';
import type { ResourceType } from '@envoy-fleet/domain';

/** One xDS stream, as the callbacks see it. */
export interface StreamInfo {
  /** Unique per server process. */
  streamId: number;
  /** State of the World or Delta. */
  kind: 'sotw' | 'delta';
  peer: string;
  /** The stream's call metadata (e.g. a token), as sent by the proxy. */
  metadata: Metadata;
  /** Set once the first request has been accepted. */
  node?: core.Node;
  /**
   * What the stream's snapshots, watches and `endStreamsOf` go by, set with `node`: what
   * `onStreamNode` returned, else the node id. A server whose node ids are not unique (e.g. unique
   * per tenant only) returns a key that is.
   */
  key?: string;
}

/**
 * Hooks into the stream lifecycle (go-control-plane's callbacks), for every stream kind: ADS and
 * the per-type services, SotW and Delta. Every hook is optional. `version` is the response's
 * version_info in SotW; in Delta it is the response's system_version_info, the type's snapshot
 * version when the response was made, and `resourceNames` (shared between streams: never mutate
 * them) are all the names the proxy holds of
 * the type once it applies the response (the whole set, as in SotW, not the delta).
 */
export interface XdsCallbacks {
  onStreamOpen?(stream: StreamInfo): void;
  /**
   * The first request, carrying the node. Throw (or reject with) a DomainError to refuse the
   * stream; return the stream's key (see StreamInfo.key) to key it by something else than node.id.
   */
  onStreamNode?(stream: StreamInfo, node: core.Node): void | string | Promise<void | string>;
  /** A response went out. */
  onResponse?(
    stream: StreamInfo,
    type: ResourceType,
    version: string,
    resourceNames: readonly string[],
  ): void;
  /** The proxy accepted the version last sent. */
  onAck?(stream: StreamInfo, type: ResourceType, version: string, resourceNames: readonly string[]): void;
  /** The proxy rejected the version last sent; `errorDetail` is its own error text. */
  onNack?(stream: StreamInfo, type: ResourceType, version: string, errorDetail: string): void;
  /** The stream ended, cleanly or with the error it was ended with. */
  onStreamClosed?(stream: StreamInfo, error?: unknown): void;
}

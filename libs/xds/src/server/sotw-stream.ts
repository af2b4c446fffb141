import type { discovery } from '@envoy-fleet/envoy-api';
import type { ResourceType } from '@envoy-fleet/domain';
import { WILDCARD_TYPES } from '../resource-types';
import type { CancelWatch, WatchResponse } from '../cache/watcher';
import { withNonce } from './response-encoding';
import { XdsStream } from './xds-stream';

/** One set per shared response name list, so that thousands of streams hold one, not a copy each. */
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function nameSetOf(names: readonly string[]): ReadonlySet<string> {
  let set = nameSets.get(names);
  if (!set) {
    set = new Set(names);
    nameSets.set(names, set);
  }
  return set;
}

/** Per type, per stream: what was asked for, what was sent, and the open watch. */
interface TypeState {
  wildcard: boolean;
  names: string[];
  nonce: string;
  sentVersion: string;
  /** Shared with the other streams sent the same response: replaced, never mutated. */
  sentNames: ReadonlySet<string>;
  watchId?: number;
  cancel?: CancelWatch;
}

/**
 * The state-of-the-world protocol for one stream (ADS, or one type's own service), independent of
 * gRPC: nonces, ACK/NACK, subscriptions and watches.
 */
export class SotwStream extends XdsStream<discovery.DiscoveryRequest> {
  private readonly types = new Map<ResourceType, TypeState>();

  protected handle(key: string, type: ResourceType, request: discovery.DiscoveryRequest): void {
    const known = this.types.get(type);
    // "The management server should not send a DiscoveryResponse for any DiscoveryRequest that
    // has a stale nonce."
    if (known && request.responseNonce !== '' && request.responseNonce !== known.nonce) return;
    const names = request.resourceNames;
    // Only a first empty request is a (legacy) wildcard, and only on LDS/CDS; "*" always is.
    const wildcard =
      names.includes('*') || (names.length === 0 && WILDCARD_TYPES.has(type) && (!known || known.wildcard));
    const state = known ?? {
      wildcard,
      names: [],
      nonce: '',
      // "it is generally safe for servers to do this optimization for LDS and CDS when the only
      // subscription is a wildcard subscription": a reconnect at the current version gets nothing.
      sentVersion: wildcard && names.every((name) => name === '*') ? request.versionInfo : '',
      sentNames: new Set<string>(),
    };
    this.types.set(type, state);
    if (known && request.responseNonce !== '') this.reportAckOrNack(type, state, request);

    // "the server must resend any newly requested resources, even if it previously sent those
    // resources without having been asked for them" (e.g. through a wildcard).
    const named = names.filter((name) => name !== '*');
    const newlyNamed = named.filter((name) => !state.names.includes(name) && state.sentNames.has(name));
    if (newlyNamed.length > 0) {
      state.sentNames = new Set([...state.sentNames].filter((name) => !newlyNamed.includes(name)));
    }
    state.wildcard = wildcard;
    state.names = named;
    this.watch(key, type, state);
  }

  protected cancelWatches(): void {
    for (const state of this.types.values()) state.cancel?.();
  }

  private reportAckOrNack(type: ResourceType, state: TypeState, request: discovery.DiscoveryRequest): void {
    // "The preferred mechanism for a server to detect a NACK is to look for the presence of the
    // error_detail field"
    if (request.errorDetail) {
      this.callbacks.onNack?.(this.info, type, state.sentVersion, request.errorDetail.message);
    } else {
      this.callbacks.onAck?.(this.info, type, state.sentVersion, [...state.sentNames]);
    }
  }

  private watch(key: string, type: ResourceType, state: TypeState): void {
    state.cancel?.();
    state.cancel = undefined;
    state.watchId = undefined;
    if (!state.wildcard && state.names.length === 0) return; // unsubscribed
    const watchId = this.nextWatchId();
    state.watchId = watchId;
    // After a NACK sentVersion is the rejected version, so it is not resent: no NACK loop.
    const cancel = this.watcher.createWatch(
      {
        key,
        type,
        wildcard: state.wildcard,
        resourceNames: state.names,
        sentVersion: state.sentVersion,
        sentNames: state.sentNames,
      },
      (response) => this.respond(state, watchId, response),
    );
    if (state.watchId === watchId) state.cancel = cancel;
  }

  private respond(state: TypeState, watchId: number, response: WatchResponse): void {
    if (this.closed || state.watchId !== watchId) return;
    state.watchId = undefined;
    state.cancel = undefined;
    state.nonce = this.nextNonce();
    state.sentVersion = response.version;
    state.sentNames = nameSetOf(response.resourceNames);
    this.transport.send(withNonce(response.body, state.nonce));
    this.callbacks.onResponse?.(this.info, response.type, response.version, response.resourceNames);
  }
}

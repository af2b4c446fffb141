import type { discovery } from '@envoy-fleet/envoy-api';
import type { ResourceType } from '@envoy-fleet/domain';
import { WILDCARD_TYPES } from '../resource-types';
import { type CancelWatch, type DeltaWatchResponse, KNOWN_ABSENT } from '../cache/watcher';
import { encodeDeltaResponse } from './delta-encoding';
import { XdsStream } from './xds-stream';

/** A version no resource has: a name marked with it is sent (or removed) again. */
const RESEND = '\0resend';

/** Per type, per Delta stream: the subscription, what the proxy holds, and the open watch. */
interface DeltaTypeState {
  wildcard: boolean;
  subscribed: Set<string>;
  /** Name -> version the proxy holds, as last sent (a NACK keeps it: last-known-good, no resend). */
  known: Map<string, string>;
  /** The first wildcard request without initial versions waits for an answer, even an empty one. */
  mustRespond: boolean;
  nonce: string;
  /** system_version_info of the last response: the version reported to the callbacks. */
  sentVersion: string;
  watchId?: number;
  cancel?: CancelWatch;
}

/**
 * The incremental (Delta) protocol for one stream (ADS, or one type's own service), independent
 * of gRPC. Callbacks get the type's snapshot version (system_version_info) of the response as
 * `version`, and as `resourceNames` every name the proxy holds of the type once it applies that
 * response (like a SotW response's names), not only the changed ones.
 */
export class DeltaStream extends XdsStream<discovery.DeltaDiscoveryRequest> {
  private readonly types = new Map<ResourceType, DeltaTypeState>();

  protected handle(key: string, type: ResourceType, request: discovery.DeltaDiscoveryRequest): void {
    const known = this.types.get(type);
    const state = known ?? this.firstState(type, request);
    this.types.set(type, state);
    // "the server must honor changes to the subscription state even if the nonce is stale. The
    // nonce may be used to correlate an ack/nack with a server response, but should *not* be used
    // to reject stale requests."
    if (known && request.responseNonce !== '' && request.responseNonce === state.nonce) {
      this.reportAckOrNack(type, state, request);
    }
    for (const name of request.resourceNamesSubscribe) {
      if (name === '*') {
        state.wildcard = true;
        continue;
      }
      state.subscribed.add(name);
      // "the server *must* still provide those resources in the response; ... the client may have
      // "forgotten" those resources" (a first request's initial versions are kept: a reconnect).
      if (known) state.known.delete(name);
    }
    for (const name of request.resourceNamesUnsubscribe) this.unsubscribe(state, name);
    // Initial versions of names the proxy does not subscribe to are of no interest.
    if (!known && !state.wildcard) {
      for (const name of state.known.keys()) if (!state.subscribed.has(name)) state.known.delete(name);
    }
    this.watch(key, type, state);
  }

  protected cancelWatches(): void {
    for (const state of this.types.values()) state.cancel?.();
  }

  private firstState(type: ResourceType, request: discovery.DeltaDiscoveryRequest): DeltaTypeState {
    const initial = Object.entries(request.initialResourceVersions);
    // Legacy wildcard: "the request must have no resources in both resource_names_subscribe and
    // resource_names_unsubscribe" (only on LDS/CDS: elsewhere an empty list subscribes to nothing).
    const wildcard =
      request.resourceNamesSubscribe.length === 0 &&
      request.resourceNamesUnsubscribe.length === 0 &&
      WILDCARD_TYPES.has(type);
    return {
      wildcard,
      subscribed: new Set(),
      known: new Map(initial),
      mustRespond: initial.length === 0 && (wildcard || request.resourceNamesSubscribe.includes('*')),
      nonce: '',
      sentVersion: '',
    };
  }

  private unsubscribe(state: DeltaTypeState, name: string): void {
    if (name === '*') {
      state.wildcard = false;
      // Resources held only through the wildcard are no longer of interest.
      for (const held of state.known.keys()) if (!state.subscribed.has(held)) state.known.delete(held);
      return;
    }
    // "it can simply ignore these phantom unsubscriptions"
    if (!state.subscribed.delete(name)) return;
    // "When a client has a wildcard subscription ("*") *and* a subscription to another specific
    // resource name ... the server must send a response that includes the specific resource in
    // either the removed_resources field ... or in the resources field".
    if (state.wildcard) state.known.set(name, RESEND);
    else state.known.delete(name);
  }

  private reportAckOrNack(
    type: ResourceType,
    state: DeltaTypeState,
    request: discovery.DeltaDiscoveryRequest,
  ): void {
    if (request.errorDetail) {
      this.callbacks.onNack?.(this.info, type, state.sentVersion, request.errorDetail.message);
      return;
    }
    this.callbacks.onAck?.(this.info, type, state.sentVersion, held(state));
  }

  private watch(key: string, type: ResourceType, state: DeltaTypeState): void {
    state.cancel?.();
    state.cancel = undefined;
    state.watchId = undefined;
    if (!state.wildcard && state.subscribed.size === 0 && state.known.size === 0) return;
    const watchId = this.nextWatchId();
    state.watchId = watchId;
    const cancel = this.watcher.createDeltaWatch(
      {
        key,
        type,
        wildcard: state.wildcard,
        subscribed: state.subscribed,
        known: state.known,
        mustRespond: state.mustRespond,
      },
      (response) => this.respond(state, watchId, response),
    );
    if (state.watchId === watchId) state.cancel = cancel;
  }

  private respond(state: DeltaTypeState, watchId: number, response: DeltaWatchResponse): void {
    if (this.closed || state.watchId !== watchId) return;
    state.watchId = undefined;
    state.cancel = undefined;
    state.mustRespond = false;
    state.nonce = this.nextNonce();
    state.sentVersion = response.version;
    for (const resource of response.resources) state.known.set(resource.name, resource.version);
    for (const name of response.removed) {
      if (state.subscribed.has(name)) state.known.set(name, KNOWN_ABSENT);
      else state.known.delete(name);
    }
    this.transport.send(encodeDeltaResponse(response, state.nonce));
    this.callbacks.onResponse?.(this.info, response.type, response.version, held(state));
  }
}

/** The names the proxy holds of a type, as SotW responses name them: the whole set, not the delta. */
function held(state: DeltaTypeState): string[] {
  const names = [...state.known].filter(([, version]) => version !== KNOWN_ABSENT && version !== RESEND);
  return names.map(([name]) => name).sort();
}

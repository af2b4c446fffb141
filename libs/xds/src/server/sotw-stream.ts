import type { discovery } from '@envoy-fleet/envoy-api';
import { DomainError, type ResourceType } from '@envoy-fleet/domain';
import { resourceTypeOf, WILDCARD_TYPES } from '../resource-types';
import type { CancelWatch, ConfigWatcher, WatchResponse } from '../cache/watcher';
import type { StreamInfo, XdsCallbacks } from './callbacks';
import { withNonce } from './response-encoding';

/** Per type, per stream: what was asked for, what was sent, and the open watch. */
interface TypeState {
  wildcard: boolean;
  names: string[];
  nonce: string;
  sentVersion: string;
  sentNames: Set<string>;
  watchId?: number;
  cancel?: CancelWatch;
}

/** What a stream needs from its transport. */
export interface StreamTransport {
  /** Writes one encoded DiscoveryResponse. */
  send(response: Buffer): void;
  /** Ends the stream with an error status. */
  fail(error: unknown): void;
}

/**
 * The state-of-the-world protocol for one ADS stream, independent of gRPC: nonces, ACK/NACK,
 * subscriptions and watches. Requests are handled one at a time, in order.
 */
export class SotwStream {
  private readonly types = new Map<ResourceType, TypeState>();
  private queue: Promise<void> = Promise.resolve();
  private nonceSeq = 0;
  private watchSeq = 0;
  private closed = false;

  constructor(
    readonly info: StreamInfo,
    private readonly watcher: ConfigWatcher,
    private readonly callbacks: XdsCallbacks,
    private readonly transport: StreamTransport,
  ) {}

  /** Queues a request from the proxy. */
  receive(request: discovery.DiscoveryRequest): void {
    this.queue = this.queue
      .then(() => this.handle(request))
      .catch((error: unknown) => {
        if (this.closed) return;
        this.transport.fail(error);
        this.close(error);
      });
  }

  /** Ends the stream: cancels its watches and reports it closed (once). */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.types.values()) state.cancel?.();
    this.callbacks.onStreamClosed?.(this.info, error);
  }

  private async handle(request: discovery.DiscoveryRequest): Promise<void> {
    if (this.closed) return;
    if (!this.info.node) {
      const node = request.node;
      if (!node?.id) throw DomainError.invalid('node.id', 'the first request must carry a node id');
      await this.callbacks.onStreamNode?.(this.info, node);
      if (this.closed) return;
      this.info.node = node;
    }
    const type = resourceTypeOf(request.typeUrl);
    if (!type) throw DomainError.invalid('type_url', `unknown or missing type URL '${request.typeUrl}'`);

    const known = this.types.get(type);
    // A nonce that is not the latest answers a response the proxy has since been overtaken by.
    if (known && request.responseNonce !== '' && request.responseNonce !== known.nonce) return;
    const state = known ?? {
      wildcard: false,
      names: [],
      nonce: '',
      sentVersion: '',
      sentNames: new Set<string>(),
    };
    this.types.set(type, state);
    if (known && request.responseNonce !== '') this.reportAckOrNack(type, state, request);

    const names = request.resourceNames;
    // Only a first empty request is a (legacy) wildcard, and only on LDS/CDS; "*" always is.
    state.wildcard =
      names.includes('*') || (names.length === 0 && WILDCARD_TYPES.has(type) && (!known || state.wildcard));
    state.names = names.filter((name) => name !== '*');
    this.watch(this.info.node.id, type, state);
  }

  private reportAckOrNack(type: ResourceType, state: TypeState, request: discovery.DiscoveryRequest): void {
    if (request.errorDetail) {
      this.callbacks.onNack?.(this.info, type, state.sentVersion, request.errorDetail.message);
    } else {
      this.callbacks.onAck?.(this.info, type, state.sentVersion, [...state.sentNames]);
    }
  }

  private watch(nodeId: string, type: ResourceType, state: TypeState): void {
    state.cancel?.();
    state.cancel = undefined;
    state.watchId = undefined;
    if (!state.wildcard && state.names.length === 0) return; // unsubscribed
    const watchId = ++this.watchSeq;
    state.watchId = watchId;
    // After a NACK sentVersion is the rejected version, so it is not resent: no NACK loop.
    const cancel = this.watcher.createWatch(
      {
        nodeId,
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
    state.nonce = String(++this.nonceSeq);
    state.sentVersion = response.version;
    state.sentNames = new Set(response.resourceNames);
    this.transport.send(withNonce(response.body, state.nonce));
    this.callbacks.onResponse?.(this.info, response.type, response.version, response.resourceNames);
  }
}

import type { core } from '@envoy-fleet/envoy-api';
import { DomainError, type ResourceType } from '@envoy-fleet/domain';
import { resourceTypeOf, typeUrlOf } from '../resource-types';
import type { ConfigWatcher } from '../cache/watcher';
import type { StreamInfo, XdsCallbacks } from './callbacks';

/** What a stream needs from its transport. */
export interface StreamTransport {
  /** Writes one encoded DiscoveryResponse or DeltaDiscoveryResponse. */
  send(response: Buffer): void;
  /** Ends the stream with an error status. */
  fail(error: unknown): void;
}

/** What SotW and Delta requests share. */
interface XdsRequest {
  node?: core.Node | undefined;
  typeUrl: string;
}

/**
 * What every xDS stream does, SotW or Delta, aggregated or per type: handles requests one at a
 * time and in order, admits the node on the first one, resolves the type URL, and ends once.
 */
export abstract class XdsStream<Request extends XdsRequest> {
  private queue: Promise<void> = Promise.resolve();
  private nonceSeq = 0;
  private watchSeq = 0;
  protected closed = false;

  /** `onlyType`: a per-type service (CDS, EDS, ...) that accepts no other type URL. */
  constructor(
    readonly info: StreamInfo,
    protected readonly watcher: ConfigWatcher,
    protected readonly callbacks: XdsCallbacks,
    protected readonly transport: StreamTransport,
    private readonly onlyType?: ResourceType,
  ) {}

  /** Queues a request from the proxy. */
  receive(request: Request): void {
    this.queue = this.queue
      .then(() => this.accept(request))
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
    this.cancelWatches();
    this.callbacks.onStreamClosed?.(this.info, error);
  }

  /** A nonce not used before on this stream. */
  protected nextNonce(): string {
    return String(++this.nonceSeq);
  }

  /** An id for the stream's next watch, to tell a current watch's answer from a stale one. */
  protected nextWatchId(): number {
    return ++this.watchSeq;
  }

  /** Handles one request of an admitted stream (known by `key`, see StreamInfo.key), for a type it may serve. */
  protected abstract handle(key: string, type: ResourceType, request: Request): void;

  /** Cancels every open watch of the stream. */
  protected abstract cancelWatches(): void;

  private async accept(request: Request): Promise<void> {
    if (this.closed) return;
    if (!this.info.node) {
      // "Only the first request on a stream is guaranteed to carry the node identifier."
      const node = request.node;
      if (!node?.id) throw DomainError.invalid('node.id', 'the first request must carry a node id');
      const key = await this.callbacks.onStreamNode?.(this.info, node);
      if (this.closed) return;
      this.info.key = key || node.id;
      this.info.node = node;
    }
    this.handle(this.info.key ?? this.info.node.id, this.typeOf(request.typeUrl), request);
  }

  private typeOf(typeUrl: string): ResourceType {
    if (this.onlyType) {
      if (typeUrl === '' || typeUrl === typeUrlOf(this.onlyType)) return this.onlyType;
      throw DomainError.invalid('type_url', `this service serves only '${typeUrlOf(this.onlyType)}'`);
    }
    const type = resourceTypeOf(typeUrl);
    if (!type) throw DomainError.invalid('type_url', `unknown or missing type URL '${typeUrl}'`);
    return type;
  }
}

// Raw xDS streams on plain @grpc/grpc-js, for what no real client asks for (SDS, Delta, the
// per-type services): each speaks the wire protocol for real.
import * as grpc from '@grpc/grpc-js';
import { core, discovery, RESOURCE_TYPE_URLS, services } from '@envoy-fleet/envoy-api';
import type { ResourceType } from '@envoy-fleet/domain';
import { pollUntil } from './xds-clients';

/** A DiscoveryRequest with any field left out, and a node given by only some of its fields. */
export type AdsRequestInit = Partial<Omit<discovery.DiscoveryRequest, 'node'>> & {
  node?: Partial<core.Node>;
};

/** A DeltaDiscoveryRequest with any field left out, and a node given by only some of its fields. */
export type DeltaRequestInit = Partial<Omit<discovery.DeltaDiscoveryRequest, 'node'>> & {
  node?: Partial<core.Node>;
};

/** The SotW and Delta method paths of ADS and of each type's own service. */
export const XDS_METHOD_PATHS = {
  ads: {
    sotw: discovery.AggregatedDiscoveryServiceService.streamAggregatedResources.path,
    delta: discovery.AggregatedDiscoveryServiceService.deltaAggregatedResources.path,
  },
  listener: {
    sotw: services.ListenerDiscoveryServiceService.streamListeners.path,
    delta: services.ListenerDiscoveryServiceService.deltaListeners.path,
  },
  route: {
    sotw: services.RouteDiscoveryServiceService.streamRoutes.path,
    delta: services.RouteDiscoveryServiceService.deltaRoutes.path,
  },
  cluster: {
    sotw: services.ClusterDiscoveryServiceService.streamClusters.path,
    delta: services.ClusterDiscoveryServiceService.deltaClusters.path,
  },
  endpoint: {
    sotw: services.EndpointDiscoveryServiceService.streamEndpoints.path,
    delta: services.EndpointDiscoveryServiceService.deltaEndpoints.path,
  },
  secret: {
    sotw: services.SecretDiscoveryServiceService.streamSecrets.path,
    delta: services.SecretDiscoveryServiceService.deltaSecrets.path,
  },
} as const satisfies Record<ResourceType | 'ads', { sotw: string; delta: string }>;

interface MessageFns<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** One bidirectional xDS call: writes requests, queues responses, records the end status. */
class RawXdsCall<Request, Response> {
  private readonly responses: Response[] = [];
  private readonly waiters: ((response: Response) => void)[] = [];
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<Request, Response>;
  /** The status the server ended the stream with, once it did. */
  endStatus?: grpc.StatusObject;

  constructor(
    serverUri: string,
    path: string,
    requestFns: MessageFns<Request>,
    responseFns: MessageFns<Response>,
    metadata: grpc.Metadata,
  ) {
    this.client = new grpc.Client(serverUri, grpc.credentials.createInsecure());
    this.call = this.client.makeBidiStreamRequest(
      path,
      (request: Request) => Buffer.from(requestFns.encode(request).finish()),
      (bytes: Buffer) => responseFns.decode(bytes),
      metadata,
    );
    this.call.on('data', (response: Response) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(response);
      else this.responses.push(response);
    });
    this.call.on('status', (status: grpc.StatusObject) => (this.endStatus = status));
    this.call.on('error', () => undefined); // surfaced through endStatus
  }

  write(request: Request): void {
    this.call.write(request);
  }

  /** The next response, or an error after `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<Response> {
    const buffered = this.responses.shift();
    if (buffered) return Promise.resolve(buffered);
    return new Promise((resolve, reject) => {
      const waiter = (response: Response) => {
        clearTimeout(timer);
        resolve(response);
      };
      // A waiter that timed out must leave the queue, or it would swallow the next response.
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(`no xDS response within ${timeoutMs} ms (status ${JSON.stringify(this.endStatus)})`),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves with nothing if no response comes within `ms`; fails if one does. */
  async silentFor(ms: number): Promise<void> {
    const early = await this.next(ms).catch(() => undefined);
    if (early !== undefined) throw new Error(`expected no response, got ${JSON.stringify(early)}`);
  }

  /** Waits for the server to end the stream and returns its status. */
  async ended(timeoutMs = 10_000): Promise<grpc.StatusObject> {
    return pollUntil(
      async () => this.endStatus,
      (status) => status !== undefined,
      { timeoutMs },
    ) as Promise<grpc.StatusObject>;
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

/**
 * A raw State-of-the-World stream: ADS by default, or one type's own service
 * (`XDS_METHOD_PATHS.cluster.sotw`, ...).
 */
export class RawSotwStream extends RawXdsCall<discovery.DiscoveryRequest, discovery.DiscoveryResponse> {
  constructor(serverUri: string, metadata = new grpc.Metadata(), path: string = XDS_METHOD_PATHS.ads.sotw) {
    super(serverUri, path, discovery.DiscoveryRequest, discovery.DiscoveryResponse, metadata);
  }

  /** Sends a request; unset fields (also in `node`) take their proto defaults. */
  send(request: AdsRequestInit): void {
    const node = request.node && core.Node.fromPartial(request.node);
    this.write(discovery.DiscoveryRequest.fromPartial({ ...request, node }));
  }
}

/** A plain SotW ADS stream, for what no real client asks for (e.g. SDS). */
export class RawAdsStream extends RawSotwStream {}

/** A raw SotW stream on one type's own service (e.g. CDS's StreamClusters), typed for that type. */
export class RawTypeStream extends RawSotwStream {
  constructor(
    serverUri: string,
    readonly type: ResourceType,
    metadata = new grpc.Metadata(),
  ) {
    super(serverUri, metadata, XDS_METHOD_PATHS[type].sotw);
  }

  /** Sends a request; the type URL defaults to the service's own. */
  override send(request: AdsRequestInit): void {
    super.send({ typeUrl: RESOURCE_TYPE_URLS[this.type], ...request });
  }
}

/** A raw Delta (incremental) stream: ADS by default, or one type's `Delta*` method. */
export class RawDeltaStream extends RawXdsCall<
  discovery.DeltaDiscoveryRequest,
  discovery.DeltaDiscoveryResponse
> {
  constructor(serverUri: string, metadata = new grpc.Metadata(), path: string = XDS_METHOD_PATHS.ads.delta) {
    super(serverUri, path, discovery.DeltaDiscoveryRequest, discovery.DeltaDiscoveryResponse, metadata);
  }

  /** Sends a request; unset fields (also in `node`) take their proto defaults. */
  send(request: DeltaRequestInit): void {
    const node = request.node && core.Node.fromPartial(request.node);
    this.write(discovery.DeltaDiscoveryRequest.fromPartial({ ...request, node }));
  }
}

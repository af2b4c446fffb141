import type {
  MethodDefinition,
  Server,
  ServerDuplexStream,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { discovery, services } from '@envoy-fleet/envoy-api';
import type { ResourceType } from '@envoy-fleet/domain';
import type { ConfigWatcher } from '../cache/watcher';
import type { StreamInfo, XdsCallbacks } from './callbacks';
import { DeltaStream } from './delta-stream';
import { type ErrorLog, toGrpcStatus } from './grpc-status';
import { SotwStream } from './sotw-stream';
import type { StreamTransport } from './xds-stream';

/** What the xDS services are built from. */
export interface XdsServiceOptions {
  watcher: ConfigWatcher;
  callbacks?: XdsCallbacks;
  log?: ErrorLog;
}

/** The running xDS services: lets the server end the streams of a proxy it no longer serves. */
export interface XdsServices {
  /** Ends every open stream keyed `key` (StreamInfo.key; any service, SotW or Delta) with `error`'s status; returns how many. */
  endStreamsOf(key: string, error: unknown): number;
}

type SotwMethod = MethodDefinition<discovery.DiscoveryRequest, discovery.DiscoveryResponse>;
type DeltaMethod = MethodDefinition<discovery.DeltaDiscoveryRequest, discovery.DeltaDiscoveryResponse>;

/** A service's SotW and Delta methods, and the one type it serves (none for ADS). */
interface XdsService {
  type?: ResourceType;
  sotw: SotwMethod;
  delta: DeltaMethod;
}

const ads = discovery.AggregatedDiscoveryServiceService;
const { ListenerDiscoveryServiceService: lds, RouteDiscoveryServiceService: rds } = services;
const { ClusterDiscoveryServiceService: cds, EndpointDiscoveryServiceService: eds } = services;
const sds = services.SecretDiscoveryServiceService;

const XDS_SERVICES: readonly XdsService[] = [
  { sotw: ads.streamAggregatedResources, delta: ads.deltaAggregatedResources },
  { type: 'listener', sotw: lds.streamListeners, delta: lds.deltaListeners },
  { type: 'route', sotw: rds.streamRoutes, delta: rds.deltaRoutes },
  { type: 'cluster', sotw: cds.streamClusters, delta: cds.deltaClusters },
  { type: 'endpoint', sotw: eds.streamEndpoints, delta: eds.deltaEndpoints },
  { type: 'secret', sotw: sds.streamSecrets, delta: sds.deltaSecrets },
];

/** Responses are written as already-encoded bytes, so one encoding serves many streams. */
const preEncoded = <Request, Response>(method: MethodDefinition<Request, Response>) => ({
  ...method,
  responseSerialize: (bytes: Buffer) => bytes,
});

/** What serving a call needs of a stream, SotW or Delta. */
interface ServedStream<Request> {
  readonly info: StreamInfo;
  receive(request: Request): void;
  close(error?: unknown): void;
}

type OpenStreams = Set<{ stream: ServedStream<never>; fail: (error: unknown) => void }>;

let streamSeq = 0;

/**
 * Adds ADS (envoy.service.discovery.v3.AggregatedDiscoveryService) and the per-type services
 * (LDS, RDS, CDS, EDS, SDS) to a gRPC server, each with its SotW (`Stream*`) and Delta (`Delta*`)
 * method; the unary `Fetch*` methods stay unimplemented.
 */
export function addXdsServices(server: Server, options: XdsServiceOptions): XdsServices {
  const open: OpenStreams = new Set();
  const callbacks = options.callbacks ?? {};
  for (const { type, sotw, delta } of XDS_SERVICES) {
    // grpc-js pairs definition and implementation by key; the wire uses each method's path.
    const definition: ServiceDefinition = { sotw: preEncoded(sotw), delta: preEncoded(delta) };
    const implementation: UntypedServiceImplementation = {
      sotw: (call: ServerDuplexStream<discovery.DiscoveryRequest, Buffer>) =>
        serve(
          call,
          open,
          options,
          'sotw',
          (info, transport) => new SotwStream(info, options.watcher, callbacks, transport, type),
        ),
      delta: (call: ServerDuplexStream<discovery.DeltaDiscoveryRequest, Buffer>) =>
        serve(
          call,
          open,
          options,
          'delta',
          (info, transport) => new DeltaStream(info, options.watcher, callbacks, transport, type),
        ),
    };
    server.addService(definition, implementation);
  }
  return {
    endStreamsOf(key, error) {
      const ended = [...open].filter((entry) => entry.stream.info.key === key);
      for (const entry of ended) {
        entry.fail(error);
        entry.stream.close(error);
      }
      return ended.length;
    },
  };
}

function serve<Request>(
  call: ServerDuplexStream<Request, Buffer>,
  open: OpenStreams,
  options: XdsServiceOptions,
  kind: StreamInfo['kind'],
  create: (info: StreamInfo, transport: StreamTransport) => ServedStream<Request>,
): void {
  const info: StreamInfo = { streamId: ++streamSeq, kind, peer: call.getPeer(), metadata: call.metadata };
  // Emitting 'error' on a server stream ends the call with that status.
  const fail = (error: unknown) => call.emit('error', toGrpcStatus(error, options.log));
  const stream = create(info, { send: (response) => call.write(response), fail });
  const entry = { stream, fail };
  open.add(entry);
  options.callbacks?.onStreamOpen?.(info);
  const close = () => {
    open.delete(entry);
    stream.close();
  };
  call.on('data', (request: Request) => stream.receive(request));
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('cancelled', close);
  call.on('error', close);
}

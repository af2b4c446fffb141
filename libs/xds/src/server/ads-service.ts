import { type Server, type ServerDuplexStream, type ServiceDefinition, status } from '@grpc/grpc-js';
import { discovery } from '@envoy-fleet/envoy-api';
import type { ConfigWatcher } from '../cache/watcher';
import type { StreamInfo, XdsCallbacks } from './callbacks';
import { type ErrorLog, toGrpcStatus } from './grpc-status';
import { SotwStream } from './sotw-stream';

const ads = discovery.AggregatedDiscoveryServiceService;

/** ADS with responses written as already-encoded bytes, so one encoding serves many streams. */
const ADS_SERVICE = {
  streamAggregatedResources: {
    ...ads.streamAggregatedResources,
    responseSerialize: (bytes: Buffer) => bytes,
  },
  deltaAggregatedResources: ads.deltaAggregatedResources,
} satisfies ServiceDefinition;

/** What the ADS service is built from. */
export interface AdsServiceOptions {
  watcher: ConfigWatcher;
  callbacks?: XdsCallbacks;
  log?: ErrorLog;
}

let streamSeq = 0;

/** A running ADS service: lets the server end the streams of a proxy it no longer serves. */
export interface AdsService {
  /** Ends every open stream of `nodeId` with `error`'s status; returns how many there were. */
  endStreamsOf(nodeId: string, error: unknown): number;
}

/** Adds envoy.service.discovery.v3.AggregatedDiscoveryService (SotW) to a gRPC server. */
export function addAdsService(server: Server, options: AdsServiceOptions): AdsService {
  const open = new Set<{ stream: SotwStream; fail: (error: unknown) => void }>();
  server.addService(ADS_SERVICE, {
    streamAggregatedResources: (call: ServerDuplexStream<discovery.DiscoveryRequest, Buffer>) =>
      serveSotwStream(call, options, open),
    deltaAggregatedResources: (
      call: ServerDuplexStream<discovery.DeltaDiscoveryRequest, discovery.DeltaDiscoveryResponse>,
    ) => call.emit('error', { code: status.UNIMPLEMENTED, details: 'incremental xDS is not served yet' }),
  });
  return {
    endStreamsOf(nodeId, error) {
      const ended = [...open].filter((entry) => entry.stream.info.node?.id === nodeId);
      for (const entry of ended) {
        entry.fail(error);
        entry.stream.close(error);
      }
      return ended.length;
    },
  };
}

function serveSotwStream(
  call: ServerDuplexStream<discovery.DiscoveryRequest, Buffer>,
  options: AdsServiceOptions,
  open: Set<{ stream: SotwStream; fail: (error: unknown) => void }>,
): void {
  const callbacks = options.callbacks ?? {};
  const info: StreamInfo = { streamId: ++streamSeq, peer: call.getPeer(), metadata: call.metadata };
  // Emitting 'error' on a server stream ends the call with that status.
  const fail = (error: unknown) => call.emit('error', toGrpcStatus(error, options.log));
  const stream = new SotwStream(info, options.watcher, callbacks, {
    send: (response) => call.write(response),
    fail,
  });
  const entry = { stream, fail };
  open.add(entry);
  callbacks.onStreamOpen?.(info);
  const close = () => {
    open.delete(entry);
    stream.close();
  };
  call.on('data', (request: discovery.DiscoveryRequest) => stream.receive(request));
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('cancelled', close);
  call.on('error', close);
}

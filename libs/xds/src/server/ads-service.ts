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

/** Adds envoy.service.discovery.v3.AggregatedDiscoveryService (SotW) to a gRPC server. */
export function addAdsService(server: Server, options: AdsServiceOptions): void {
  server.addService(ADS_SERVICE, {
    streamAggregatedResources: (call: ServerDuplexStream<discovery.DiscoveryRequest, Buffer>) =>
      serveSotwStream(call, options),
    deltaAggregatedResources: (
      call: ServerDuplexStream<discovery.DeltaDiscoveryRequest, discovery.DeltaDiscoveryResponse>,
    ) => call.emit('error', { code: status.UNIMPLEMENTED, details: 'incremental xDS is not served yet' }),
  });
}

function serveSotwStream(
  call: ServerDuplexStream<discovery.DiscoveryRequest, Buffer>,
  options: AdsServiceOptions,
): void {
  const callbacks = options.callbacks ?? {};
  const info: StreamInfo = { streamId: ++streamSeq, peer: call.getPeer(), metadata: call.metadata };
  const stream = new SotwStream(info, options.watcher, callbacks, {
    send: (response) => call.write(response),
    // Emitting 'error' on a server stream ends the call with that status.
    fail: (error) => call.emit('error', toGrpcStatus(error, options.log)),
  });
  callbacks.onStreamOpen?.(info);
  call.on('data', (request: discovery.DiscoveryRequest) => stream.receive(request));
  call.on('end', () => {
    stream.close();
    call.end();
  });
  call.on('cancelled', () => stream.close());
  call.on('error', () => stream.close());
}

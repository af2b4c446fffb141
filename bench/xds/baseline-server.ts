// The baseline, run in its own process by main.ts: a bare @grpc/grpc-js ADS server that holds the
// harness's streams and, on "push", encodes one DiscoveryResponse once and writes it to all of them.
import * as grpc from '@grpc/grpc-js';
import { discovery, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';

export type BaselineCommand =
  { cmd: 'start'; payload: string } | { cmd: 'push'; push: number } | { cmd: 'heap' } | { cmd: 'close' };
export type BaselineEvent =
  { evt: 'listening'; port: number } | { evt: 'pushed'; streams: number } | { evt: 'heap'; bytes: number };

type Stream = grpc.ServerDuplexStream<discovery.DiscoveryRequest, Buffer>;

const streams = new Set<Stream>();
let payload = discovery.DiscoveryResponse.fromPartial({});
/** The first answer to each type's subscription: the payload for EDS, empty for the others. */
const initial = new Map<string, Buffer>();

function encode(response: discovery.DiscoveryResponse): Buffer {
  return Buffer.from(discovery.DiscoveryResponse.encode(response).finish());
}

function emit(event: BaselineEvent): void {
  process.send?.(event);
}

const ads = discovery.AggregatedDiscoveryServiceService.streamAggregatedResources;
const service: grpc.ServiceDefinition = {
  streamAggregatedResources: {
    path: ads.path,
    requestStream: true,
    responseStream: true,
    requestSerialize: (request: discovery.DiscoveryRequest) =>
      Buffer.from(discovery.DiscoveryRequest.encode(request).finish()),
    requestDeserialize: (bytes: Buffer) => discovery.DiscoveryRequest.decode(bytes),
    // Responses are encoded before they reach gRPC, once for every stream.
    responseSerialize: (bytes: Buffer) => bytes,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

function serve(stream: Stream): void {
  streams.add(stream);
  stream.on('data', (request: discovery.DiscoveryRequest) => {
    if (request.responseNonce !== '') return; // an ACK
    const typeUrl = request.typeUrl;
    let answer = initial.get(typeUrl);
    if (!answer) {
      const resources = typeUrl === RESOURCE_TYPE_URLS.endpoint ? payload.resources : [];
      answer = encode({ ...payload, typeUrl, resources, versionInfo: '0', nonce: '0' });
      initial.set(typeUrl, answer);
    }
    stream.write(answer);
  });
  const forget = () => streams.delete(stream);
  stream.on('error', forget);
  stream.on('close', forget);
  stream.on('cancelled', forget);
}

process.on('message', (command: BaselineCommand) => {
  if (command.cmd === 'start') {
    payload = discovery.DiscoveryResponse.decode(Buffer.from(command.payload, 'base64'));
    const server = new grpc.Server({ 'grpc.max_send_message_length': -1 });
    server.addService(service, { streamAggregatedResources: serve });
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) throw error;
      emit({ evt: 'listening', port });
    });
  } else if (command.cmd === 'push') {
    const version = `push-${command.push}`;
    const bytes = encode({ ...payload, versionInfo: version, nonce: version });
    for (const stream of streams) stream.write(bytes);
    emit({ evt: 'pushed', streams: streams.size });
  } else if (command.cmd === 'heap') {
    emit({ evt: 'heap', bytes: process.memoryUsage().heapUsed });
  } else {
    process.exit(0);
  }
});

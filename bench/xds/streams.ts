// One fake proxy's ADS stream, SotW or Delta, on a shared grpc.Client (HTTP/2 connection).
import type * as grpc from '@grpc/grpc-js';
import { discovery, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { epochMs } from './process-stats';

/** A response as the harness records it, once ACKed. */
export interface Received {
  typeUrl: string;
  ackedAt: number;
  messageBytes: number;
  resourceBytes: number;
  resourceCount: number;
  /** The response as received, only on the stream asked to keep it. */
  raw?: Buffer;
}

export interface StreamHooks {
  /** Once every subscribed type got its first response (ACKed), or with why the stream failed. */
  onOpened(error?: string): void;
  onResponse(received: Received): void;
  /** Whether to keep this response's bytes (only the first of a push is kept, to replay). */
  keepRaw(): boolean;
}

export interface Subscription {
  nodeId: string;
  clusterName: string;
  routeNames: string[];
}

export interface ProxyStream {
  close(): void;
}

interface Decoded<T> {
  bytes: Buffer;
  message: T;
}

const ADS = discovery.AggregatedDiscoveryServiceService;
const TYPE_URLS = RESOURCE_TYPE_URLS;

function bidi<Req, Res>(
  client: grpc.Client,
  path: string,
  encode: (request: Req) => Uint8Array,
  decode: (bytes: Buffer) => Res,
  metadata: grpc.Metadata,
): grpc.ClientDuplexStream<Req, Decoded<Res>> {
  return client.makeBidiStreamRequest(
    path,
    (request: Req) => Buffer.from(encode(request)),
    (bytes: Buffer) => ({ bytes, message: decode(bytes) }),
    metadata,
  );
}

/** Ends the stream's opening with its status if the server ends it first. */
function watchEnd<Req, Res>(
  call: grpc.ClientDuplexStream<Req, Res>,
  hooks: StreamHooks,
  isOpen: () => boolean,
): void {
  call.on('error', () => undefined); // reported through 'status'
  call.on('status', (status: grpc.StatusObject) => {
    if (!isOpen()) hooks.onOpened(`${status.code} ${status.details}`);
  });
}

/** Subscribes like Envoy (LDS and CDS by wildcard, EDS and RDS by name) and ACKs every response. */
export function openSotwStream(
  client: grpc.Client,
  metadata: grpc.Metadata,
  subscription: Subscription,
  hooks: StreamHooks,
): ProxyStream {
  const call = bidi(
    client,
    ADS.streamAggregatedResources.path,
    (request: discovery.DiscoveryRequest) => discovery.DiscoveryRequest.encode(request).finish(),
    (bytes) => discovery.DiscoveryResponse.decode(bytes),
    metadata,
  );
  const names: Record<string, string[]> = {
    [TYPE_URLS.listener]: [],
    [TYPE_URLS.cluster]: [],
    [TYPE_URLS.endpoint]: [subscription.clusterName],
    [TYPE_URLS.route]: subscription.routeNames,
  };
  const waiting = new Set(Object.keys(names));
  let opened = false;
  watchEnd(call, hooks, () => opened);
  call.on('data', ({ bytes, message }: Decoded<discovery.DiscoveryResponse>) => {
    const { typeUrl, versionInfo, nonce } = message;
    call.write(
      discovery.DiscoveryRequest.fromPartial({
        typeUrl,
        versionInfo,
        responseNonce: nonce,
        resourceNames: names[typeUrl] ?? [],
      }),
    );
    const resourceBytes = message.resources.reduce((sum, any) => sum + any.value.length, 0);
    const received = {
      typeUrl,
      ackedAt: epochMs(),
      messageBytes: bytes.length,
      resourceBytes,
      resourceCount: message.resources.length,
      raw: hooks.keepRaw() ? bytes : undefined,
    };
    hooks.onResponse(received);
    if (!opened && waiting.delete(typeUrl) && waiting.size === 0) {
      opened = true;
      hooks.onOpened();
    }
  });
  let first = true;
  for (const [typeUrl, resourceNames] of Object.entries(names)) {
    const node = first ? { id: subscription.nodeId } : undefined;
    call.write(discovery.DiscoveryRequest.fromPartial({ node, typeUrl, resourceNames }));
    first = false;
  }
  return { close: () => call.cancel() };
}

/** Subscribes to the route configurations by name over Delta and ACKs every response. */
export function openDeltaStream(
  client: grpc.Client,
  metadata: grpc.Metadata,
  subscription: Subscription,
  hooks: StreamHooks,
): ProxyStream {
  const call = bidi(
    client,
    ADS.deltaAggregatedResources.path,
    (request: discovery.DeltaDiscoveryRequest) => discovery.DeltaDiscoveryRequest.encode(request).finish(),
    (bytes) => discovery.DeltaDiscoveryResponse.decode(bytes),
    metadata,
  );
  let opened = false;
  watchEnd(call, hooks, () => opened);
  call.on('data', ({ bytes, message }: Decoded<discovery.DeltaDiscoveryResponse>) => {
    call.write(
      discovery.DeltaDiscoveryRequest.fromPartial({ typeUrl: message.typeUrl, responseNonce: message.nonce }),
    );
    const resourceBytes = message.resources.reduce((sum, r) => sum + (r.resource?.value.length ?? 0), 0);
    hooks.onResponse({
      typeUrl: message.typeUrl,
      ackedAt: epochMs(),
      messageBytes: bytes.length,
      resourceBytes,
      resourceCount: message.resources.length,
      raw: hooks.keepRaw() ? bytes : undefined,
    });
    if (!opened) {
      opened = true;
      hooks.onOpened();
    }
  });
  call.write(
    discovery.DeltaDiscoveryRequest.fromPartial({
      node: { id: subscription.nodeId },
      typeUrl: TYPE_URLS.route,
      resourceNamesSubscribe: subscription.routeNames,
    }),
  );
  return { close: () => call.cancel() };
}

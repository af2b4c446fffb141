import { cluster, discovery, listener, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { Metadata } from '@grpc/grpc-js';
import { RawAdsStream } from '@envoy-fleet/testing';

type ProbedType = 'listener' | 'cluster';

/** A response with the names of the resources it carries. */
export interface ProbedResponse {
  version: string;
  names: string[];
  response: discovery.DiscoveryResponse;
}

/** The names of a listener or cluster response's resources. */
export function resourceNames(response: discovery.DiscoveryResponse): string[] {
  return response.resources.map((any) =>
    any.typeUrl === RESOURCE_TYPE_URLS.listener
      ? listener.Listener.decode(any.value).name
      : cluster.Cluster.decode(any.value).name,
  );
}

/** One raw ADS stream as a node id, with its proxy token as Envoy sends it, subscribing and ACKing as Envoy would. */
export class AdsProbe {
  readonly stream: RawAdsStream;
  private first = true;

  constructor(
    serverUri: string,
    readonly nodeId: string,
    token?: string,
  ) {
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    this.stream = new RawAdsStream(serverUri, metadata);
  }

  /** Subscribes to `type` (by wildcard unless `names` are given) and returns the first answer. */
  async subscribe(type: ProbedType, names: string[] = []): Promise<ProbedResponse> {
    this.send(type, names);
    return this.next();
  }

  /** Sends a subscription without waiting for an answer. */
  send(type: ProbedType, names: string[] = []): void {
    this.stream.send({
      ...(this.first ? { node: { id: this.nodeId } } : {}),
      typeUrl: RESOURCE_TYPE_URLS[type],
      resourceNames: names,
    });
    this.first = false;
  }

  /** ACKs `answer`, as Envoy does after applying it. */
  ack(type: ProbedType, answer: ProbedResponse, names: string[] = []): void {
    this.stream.send({
      typeUrl: RESOURCE_TYPE_URLS[type],
      resourceNames: names,
      versionInfo: answer.version,
      responseNonce: answer.response.nonce,
    });
  }

  async next(timeoutMs = 5000): Promise<ProbedResponse> {
    const response = await this.stream.next(timeoutMs);
    return { version: response.versionInfo, names: resourceNames(response), response };
  }

  /**
   * Every response that arrives within `ms` (none, for a stream nothing is pushed to). Use it last on
   * a stream: RawAdsStream.next keeps a timed-out waiter, which would swallow a later response.
   */
  async heardWithin(ms: number): Promise<ProbedResponse[]> {
    const heard: ProbedResponse[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      try {
        heard.push(await this.next(deadline - Date.now()));
      } catch {
        break; // RawAdsStream.next timed out: nothing more arrived
      }
    }
    return heard;
  }

  close(): void {
    this.stream.close();
  }
}

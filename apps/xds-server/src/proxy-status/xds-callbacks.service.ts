import { ResourceType } from '@envoy-fleet/domain';
import { StreamInfo, XdsCallbacks } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import { ConnectedProxiesService } from '../snapshots/connected-proxies.service';
import { ProxyStatusRecorder } from './proxy-status.recorder';

type Acked = Map<ResourceType, string>;

/** Admits streams of registered proxies and turns responses, ACKs and NACKs into recorded status. */
@Injectable()
export class XdsCallbacksService implements XdsCallbacks {
  /** The version each stream's proxy last accepted, per type (a NACK keeps it). */
  private readonly acked = new Map<number, Acked>();
  /** Streams being admitted, and whether they closed meanwhile. */
  private readonly admitting = new Map<number, { closed: boolean }>();
  /** The node id each admitted stream holds a place for. */
  private readonly admitted = new Map<number, string>();

  constructor(
    private readonly connected: ConnectedProxiesService,
    private readonly recorder: ProxyStatusRecorder,
  ) {}

  async onStreamNode(stream: StreamInfo, node: { id: string }): Promise<void> {
    const admission = { closed: false };
    this.admitting.set(stream.streamId, admission);
    try {
      const proxy = await this.connected.admit(node.id);
      this.admitted.set(stream.streamId, node.id);
      const stored = await this.recorder.load(proxy.tenantId, proxy.id);
      this.acked.set(stream.streamId, new Map(stored.map((s) => [s.type, s.ackedVersion])));
      this.recorder.connected(proxy.tenantId, proxy.id, true);
    } finally {
      this.admitting.delete(stream.streamId);
      // Closed while being admitted: onStreamClosed found no place to free, so free it now.
      if (admission.closed) this.free(stream.streamId);
    }
  }

  onResponse(stream: StreamInfo, type: ResourceType, version: string): void {
    this.record(stream, type, 'PENDING', version);
  }

  onAck(stream: StreamInfo, type: ResourceType, version: string): void {
    this.acked.get(stream.streamId)?.set(type, version);
    this.record(stream, type, 'ACKED', version);
  }

  onNack(stream: StreamInfo, type: ResourceType, version: string, errorDetail: string): void {
    this.record(stream, type, 'NACKED', version, errorDetail);
  }

  onStreamClosed(stream: StreamInfo): void {
    const admission = this.admitting.get(stream.streamId);
    if (admission) admission.closed = true;
    else this.free(stream.streamId);
  }

  private free(streamId: number): void {
    this.acked.delete(streamId);
    const nodeId = this.admitted.get(streamId);
    if (nodeId === undefined) return;
    this.admitted.delete(streamId);
    const proxy = this.connected.release(nodeId);
    if (proxy) this.recorder.connected(proxy.tenantId, proxy.id, false);
  }

  private record(
    stream: StreamInfo,
    type: ResourceType,
    state: 'PENDING' | 'ACKED' | 'NACKED',
    version: string,
    errorDetail?: string,
  ): void {
    const proxy = stream.node ? this.connected.proxyOf(stream.node.id) : undefined;
    if (!proxy) return;
    this.recorder.record({
      tenantId: proxy.tenantId,
      proxyId: proxy.id,
      nodeId: proxy.nodeId,
      type,
      state,
      sentVersion: version,
      ackedVersion: this.acked.get(stream.streamId)?.get(type) ?? '',
      ...(errorDetail !== undefined ? { errorDetail } : {}),
    });
  }
}

import type { ProxyRecord } from '@envoy-fleet/data-access';
import { DomainError, ProxyTokenClaims, ResourceType } from '@envoy-fleet/domain';
import { StreamInfo, XdsCallbacks } from '@envoy-fleet/xds';
import type { core } from '@envoy-fleet/envoy-api';
import { contextFromMetadata, inSpan } from '@envoy-fleet/observability';
import { Injectable, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { ProxyDirectory } from '../admission/proxy-directory';
import { ProxyAuthenticator } from '../auth/proxy-authenticator';
import { StreamAdmissionRate } from '../grpc/stream-admission-rate';
import { XdsMetrics } from '../metrics/xds-metrics';
import { XdsConfig } from '../xds-config';
import { ConnectedProxiesService } from '../snapshots/connected-proxies.service';
import { TenantSnapshotsService } from '../snapshots/tenant-snapshots.service';
import { ProxyStatusRecorder, StatusChange } from './proxy-status.recorder';
import { digestsOf, pick } from './resource-digests';
import { StoredStatuses } from './stored-statuses';
import { StreamSync } from './stream-sync';

/** Admits streams of registered proxies and turns responses, ACKs and NACKs into recorded status. */
@Injectable()
export class XdsCallbacksService implements XdsCallbacks {
  private readonly logger = new Logger('XdsAdmission');
  private readonly admissionRate: StreamAdmissionRate;
  /** What each stream's proxy was sent and accepted, per type (a NACK keeps the accepted). */
  private readonly sync = new Map<number, StreamSync>();
  /** Streams being admitted, and whether they closed meanwhile. */
  private readonly admitting = new Map<number, { closed: boolean }>();
  /** The node and proxy each admitted stream holds a place for. */
  private readonly admitted = new Map<number, { node: core.Node; proxy: ProxyRecord }>();

  constructor(
    private readonly connected: ConnectedProxiesService,
    private readonly recorder: ProxyStatusRecorder,
    private readonly stored: StoredStatuses,
    private readonly directory: ProxyDirectory,
    private readonly auth: ProxyAuthenticator,
    private readonly tenantSnapshots: TenantSnapshotsService,
    private readonly metrics: XdsMetrics,
    config: XdsConfig,
  ) {
    this.admissionRate = new StreamAdmissionRate(config.XDS_MAX_NEW_STREAMS_PER_SECOND);
  }

  onStreamOpen(stream: StreamInfo): void {
    this.metrics.streamOpened(stream.kind);
  }

  /**
   * Admits the stream in a span, continuing the client's trace when its metadata has `traceparent`.
   * The stream's key is its proxy's id: node ids are unique only within a tenant.
   */
  onStreamNode(stream: StreamInfo, node: core.Node): Promise<string> {
    const attributes = { 'fleet.app': 'xds-server', 'rpc.system': 'grpc', 'xds.node_id': node.id };
    const parent = contextFromMetadata(stream.metadata);
    return inSpan(
      'xds stream admit',
      { kind: SpanKind.SERVER, attributes },
      () => this.admit(stream, node),
      parent,
    );
  }

  private async admit(stream: StreamInfo, node: core.Node): Promise<string> {
    const admission = { closed: false };
    this.admitting.set(stream.streamId, admission);
    try {
      this.admissionRate.take();
      const claims = await this.auth
        .claimsOf(stream, node)
        .catch((error: unknown) => this.refused(stream, node, error));
      // The proxy the token names, which must be registered as the node the stream says it is.
      const { proxy, stamp } = await this.connected
        .admit(claims.proxyId, node.id, (registered) => this.auth.check(claims, registered))
        .catch((error: unknown) => this.refused(stream, node, error));
      this.admitted.set(stream.streamId, { node, proxy });
      const stored = await this.stored.load(proxy.tenantId, proxy.id);
      // Removed or its tokens rotated while being admitted: the proxy read may predate that.
      if (this.directory.changedSince(proxy.id, stamp)) await this.recheck(stream, node, claims);
      this.sync.set(stream.streamId, new StreamSync(stored));
      this.recorder.connected(proxy.tenantId, proxy.id, true);
      return proxy.id;
    } catch (error) {
      this.metrics.refused(error instanceof DomainError ? error.code : 'INTERNAL');
      throw error;
    } finally {
      this.admitting.delete(stream.streamId);
      // Closed while being admitted: onStreamClosed found no place to free, so free it now.
      if (admission.closed) this.free(stream.streamId);
    }
  }

  /** Checks the token against the proxy as registered now; throws (and logs) the refusal. */
  private async recheck(stream: StreamInfo, node: core.Node, claims: ProxyTokenClaims): Promise<void> {
    const { proxy } = await this.directory.lookup(claims.proxyId);
    try {
      if (!proxy || proxy.nodeId !== node.id)
        throw new DomainError('PERMISSION_DENIED', `node '${node.id}' is no longer a registered proxy`);
      this.auth.check(claims, proxy);
    } catch (error) {
      this.refused(stream, node, error);
    }
  }

  /** Every admitted stream's node and proxy, and what it was sent and accepted (for CSDS). */
  streams(): { node: core.Node; proxy: ProxyRecord; sync: StreamSync }[] {
    return [...this.admitted].flatMap(([streamId, { node, proxy }]) => {
      const sync = this.sync.get(streamId);
      return sync ? [{ node, proxy, sync }] : [];
    });
  }

  /** Logs a refused stream (who, from where, why) and passes the refusal on. */
  private refused(stream: StreamInfo, node: core.Node, error: unknown): never {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`refused a stream of node '${node.id}' from ${stream.peer}: ${reason}`);
    throw error;
  }

  onResponse(
    stream: StreamInfo,
    type: ResourceType,
    version: string,
    resourceNames: readonly string[],
  ): void {
    const proxy = this.proxyOf(stream);
    const sync = this.sync.get(stream.streamId);
    if (!proxy || !sync) return;
    // The response was just made from the proxy's current snapshot; check, in case it moved on.
    const snapshot = this.connected.cache.getSnapshot(proxy.id);
    const current = snapshot?.resources(type).version === version ? snapshot : undefined;
    const resources = current ? pick(digestsOf(current, type), resourceNames) : {};
    const configVersion = current ? this.tenantSnapshots.configVersionOf(current) : 0;
    const previous = sync.configVersionOf(type);
    this.metrics.responseSent({ tenantId: proxy.tenantId, type, previous, configVersion }, sync);
    this.record(stream, 'PENDING', sync.sent(type, version, resources, configVersion), type);
  }

  onAck(stream: StreamInfo, type: ResourceType): void {
    const sync = this.sync.get(stream.streamId);
    if (!sync) return;
    this.metrics.acked(type, sync);
    this.record(stream, 'ACKED', sync.acked(type), type);
  }

  onNack(stream: StreamInfo, type: ResourceType, _version: string, errorDetail: string): void {
    const sync = this.sync.get(stream.streamId);
    if (!sync) return;
    const state = sync.nacked(type, errorDetail);
    this.metrics.nacked(type, sync);
    this.record(stream, 'NACKED', state, type, { errorDetail, rejection: state.rejection });
  }

  onStreamClosed(stream: StreamInfo): void {
    this.metrics.streamClosed(stream.kind);
    const admission = this.admitting.get(stream.streamId);
    if (admission) admission.closed = true;
    else this.free(stream.streamId);
  }

  private free(streamId: number): void {
    this.sync.delete(streamId);
    const admitted = this.admitted.get(streamId);
    if (admitted === undefined) return;
    this.admitted.delete(streamId);
    const proxy = this.connected.release(admitted.proxy.id);
    if (proxy) this.recorder.connected(proxy.tenantId, proxy.id, false);
  }

  private proxyOf(stream: StreamInfo) {
    return stream.key === undefined ? undefined : this.connected.proxyOf(stream.key);
  }

  private record(
    stream: StreamInfo,
    state: StatusChange['state'],
    sync: {
      sentVersion: string;
      ackedVersion: string;
      sent: StatusChange['sentResources'];
      acked: StatusChange['ackedResources'];
    },
    type: ResourceType,
    nack: Pick<StatusChange, 'errorDetail' | 'rejection'> = {},
  ): void {
    const proxy = this.proxyOf(stream);
    if (!proxy) return;
    this.recorder.record({
      tenantId: proxy.tenantId,
      proxyId: proxy.id,
      nodeId: proxy.nodeId,
      type,
      state,
      sentVersion: sync.sentVersion,
      ackedVersion: sync.ackedVersion,
      sentResources: sync.sent,
      ackedResources: sync.acked,
      ...nack,
    });
  }
}

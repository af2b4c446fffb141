import { ProxyRecord } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { Snapshot, SnapshotCache } from '@envoy-fleet/xds';
import { Injectable, Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { ProxyDirectory } from '../admission/proxy-directory';
import { XdsMetrics } from '../metrics/xds-metrics';
import { TenantSnapshotsService } from './tenant-snapshots.service';

/**
 * Which registered proxy is on which stream, and which snapshot each proxy is served. Streams,
 * snapshots and watches go by proxy id (the stream's key): node ids are unique only within a
 * tenant, and two tenants' proxies with the same node id may be connected at once. A proxy is
 * admitted only if registered, and only ever gets its own tenant's snapshot.
 */
@Injectable()
export class ConnectedProxiesService {
  private readonly logger = new Logger(ConnectedProxiesService.name);
  /** Open stream count per proxy id (Envoy may open several). */
  private readonly streams = new Map<string, { proxy: ProxyRecord; count: number }>();
  /** Proxy ids with open streams, per tenant: a push or a release touches only its tenant. */
  private readonly proxiesByTenant = new Map<string, Set<string>>();

  constructor(
    private readonly directory: ProxyDirectory,
    private readonly tenantSnapshots: TenantSnapshotsService,
    readonly cache: SnapshotCache,
    private readonly metrics: XdsMetrics,
  ) {
    metrics.watch({ connectedProxies: () => this.streams.size });
  }

  /**
   * Admits a stream of the proxy `proxyId` (its token's) sent as `nodeId`: PERMISSION_DENIED unless
   * that proxy is registered under that node id; `check` may refuse the registered proxy (throw)
   * before the stream counts. The stamp tells whether the proxy changed
   * (ProxyDirectory.changedSince) before the admission finished.
   */
  async admit(
    proxyId: string,
    nodeId: string,
    check: (proxy: ProxyRecord) => void = () => undefined,
  ): Promise<{ proxy: ProxyRecord; stamp: number }> {
    if (!nodeId) throw new DomainError('INVALID_ARGUMENT', 'the first request must carry node.id');
    const { proxy, stamp } = await this.directory.lookup(proxyId);
    // One answer for "no such proxy" and "not under this node id": nothing about other proxies shows.
    if (!proxy || proxy.nodeId !== nodeId) {
      throw new DomainError('PERMISSION_DENIED', `node '${nodeId}' is not a registered proxy`);
    }
    check(proxy);
    // Before the stream counts, so that a failure here leaves nothing to release.
    const built = await this.tenantSnapshot(proxy.tenantId);
    const entry = this.streams.get(proxy.id);
    if (entry) entry.count += 1;
    else {
      this.streams.set(proxy.id, { proxy, count: 1 });
      const ids = this.proxiesByTenant.get(proxy.tenantId) ?? new Set<string>();
      this.proxiesByTenant.set(proxy.tenantId, ids.add(proxy.id));
    }
    // A push may have built a newer snapshot meanwhile (without this proxy): serve the newest.
    const snapshot = this.tenantSnapshots.peek(proxy.tenantId) ?? built;
    if (snapshot) this.cache.setSnapshot(proxy.id, snapshot);
    return { proxy, stamp };
  }

  /** The tenant's snapshot; UNAVAILABLE, which proxies retry, when the database cannot give it. */
  private async tenantSnapshot(tenantId: string): Promise<Snapshot | undefined> {
    try {
      return await this.tenantSnapshots.get(tenantId);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.warn(`tenant ${tenantId}: snapshot not built for an admission: ${String(error)}`);
      throw new DomainError('UNAVAILABLE', 'the configuration cannot be read right now; retry with backoff');
    }
  }

  /** A stream of the proxy ended; its snapshot goes when its last stream does. */
  release(proxyId: string): ProxyRecord | undefined {
    const entry = this.streams.get(proxyId);
    if (!entry) return undefined;
    entry.count -= 1;
    if (entry.count > 0) return undefined;
    this.streams.delete(proxyId);
    this.cache.clearSnapshot(proxyId);
    const tenantId = entry.proxy.tenantId;
    const ids = this.proxiesByTenant.get(tenantId);
    ids?.delete(proxyId);
    if (!ids || ids.size === 0) {
      this.proxiesByTenant.delete(tenantId);
      this.tenantSnapshots.forget(tenantId);
      this.metrics.origins.forget(tenantId);
    }
    return entry.proxy;
  }

  /** The tenant's config changed: rebuild once and push to every connected proxy of it. */
  async refreshTenant(tenantId: string): Promise<void> {
    if (!this.proxiesByTenant.has(tenantId)) {
      this.tenantSnapshots.forget(tenantId);
      this.metrics.origins.forget(tenantId);
      return;
    }
    const snapshot = await this.tenantSnapshots.rebuild(tenantId);
    if (!snapshot) return;
    this.metrics.origins.pushed(tenantId, this.tenantSnapshots.configVersionOf(snapshot));
    const ids = this.proxiesByTenant.get(tenantId) ?? new Set<string>();
    this.describePush(ids, snapshot);
    for (const proxyId of ids) this.cache.setSnapshot(proxyId, snapshot);
    this.logger.debug(`tenant ${tenantId} pushed ${JSON.stringify(snapshot.versions())}`);
  }

  /** Puts what a push sends on its span (PushTraces): the types that changed and how many proxies get them. */
  private describePush(proxyIds: Set<string>, snapshot: Snapshot): void {
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return;
    const [first] = proxyIds;
    const before = first === undefined ? undefined : this.cache.getSnapshot(first)?.versions();
    const after = snapshot.versions();
    const types = Object.entries(after).filter(
      ([type, version]) => before?.[type as keyof typeof after] !== version,
    );
    span.setAttributes({ 'xds.types': types.map(([type]) => type), 'xds.proxies': proxyIds.size });
  }

  /** The connected proxy with this id (a stream's key). */
  proxyOf(proxyId: string): ProxyRecord | undefined {
    return this.streams.get(proxyId)?.proxy;
  }
}

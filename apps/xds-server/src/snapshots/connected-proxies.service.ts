import { Database, ProxyRecord, ProxyRepository } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { SnapshotCache } from '@envoy-fleet/xds';
import { Injectable, Logger } from '@nestjs/common';
import { TenantSnapshotsService } from './tenant-snapshots.service';

/**
 * Which registered proxy is on which stream, and which snapshot each node id is served. A node id
 * is admitted only if it is registered, and only ever gets its own tenant's snapshot.
 */
@Injectable()
export class ConnectedProxiesService {
  private readonly logger = new Logger(ConnectedProxiesService.name);
  /** Open stream count per node id (Envoy may open several). */
  private readonly streams = new Map<string, { proxy: ProxyRecord; count: number }>();
  /** Node ids with open streams, per tenant: a push or a release touches only its tenant. */
  private readonly nodesByTenant = new Map<string, Set<string>>();

  constructor(
    private readonly db: Database,
    private readonly proxies: ProxyRepository,
    private readonly tenantSnapshots: TenantSnapshotsService,
    readonly cache: SnapshotCache,
  ) {}

  /**
   * Admits a stream for `nodeId`: PERMISSION_DENIED unless the node id is registered; `check` may
   * refuse the registered proxy (throw) before the stream counts.
   */
  async admit(nodeId: string, check: (proxy: ProxyRecord) => void = () => undefined): Promise<ProxyRecord> {
    if (!nodeId) throw new DomainError('INVALID_ARGUMENT', 'the first request must carry node.id');
    // The node's tenant is not known until it is looked up, so this one lookup spans tenants.
    const proxy = await this.db.asSystem((tx) => this.proxies.findByNodeId(tx, nodeId));
    if (!proxy) throw new DomainError('PERMISSION_DENIED', `node '${nodeId}' is not a registered proxy`);
    check(proxy);
    const entry = this.streams.get(nodeId);
    if (entry) entry.count += 1;
    else {
      this.streams.set(nodeId, { proxy, count: 1 });
      const nodes = this.nodesByTenant.get(proxy.tenantId) ?? new Set<string>();
      this.nodesByTenant.set(proxy.tenantId, nodes.add(nodeId));
    }
    const snapshot = await this.tenantSnapshots.get(proxy.tenantId);
    if (snapshot && this.streams.has(nodeId)) this.cache.setSnapshot(nodeId, snapshot);
    return proxy;
  }

  /** A stream of `nodeId` ended; the node's snapshot goes when its last stream does. */
  release(nodeId: string): ProxyRecord | undefined {
    const entry = this.streams.get(nodeId);
    if (!entry) return undefined;
    entry.count -= 1;
    if (entry.count > 0) return undefined;
    this.streams.delete(nodeId);
    this.cache.clearSnapshot(nodeId);
    const tenantId = entry.proxy.tenantId;
    const nodes = this.nodesByTenant.get(tenantId);
    nodes?.delete(nodeId);
    if (!nodes || nodes.size === 0) {
      this.nodesByTenant.delete(tenantId);
      this.tenantSnapshots.forget(tenantId);
    }
    return entry.proxy;
  }

  /** The tenant's config changed: rebuild once and push to every connected proxy of it. */
  async refreshTenant(tenantId: string): Promise<void> {
    if (!this.nodesByTenant.has(tenantId)) {
      this.tenantSnapshots.forget(tenantId);
      return;
    }
    const snapshot = await this.tenantSnapshots.rebuild(tenantId);
    if (!snapshot) return;
    for (const nodeId of this.nodesByTenant.get(tenantId) ?? []) this.cache.setSnapshot(nodeId, snapshot);
    this.logger.debug(`tenant ${tenantId} pushed ${JSON.stringify(snapshot.versions())}`);
  }

  proxyOf(nodeId: string): ProxyRecord | undefined {
    return this.streams.get(nodeId)?.proxy;
  }
}

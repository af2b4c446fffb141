import { Database, TenantConfigReader } from '@envoy-fleet/data-access';
import { renderTenantConfig, Snapshot } from '@envoy-fleet/xds';
import { Injectable, Logger } from '@nestjs/common';
import { XdsConfig } from '../xds-config';

/**
 * The current snapshot of each tenant with connected proxies. Every proxy of a tenant gets the
 * same resources; rebuilds of one tenant run one at a time, and a burst of changes coalesces.
 */
@Injectable()
export class TenantSnapshotsService {
  private readonly logger = new Logger(TenantSnapshotsService.name);
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly building = new Map<string, Promise<Snapshot | undefined>>();
  private readonly stale = new Set<string>();
  /** The tenant config version each snapshot was built from, for tracing a NACK to it. */
  private readonly configVersions = new WeakMap<Snapshot, number>();

  constructor(
    private readonly db: Database,
    private readonly reader: TenantConfigReader,
    config: XdsConfig,
  ) {
    // SDS opens TLS keys with the key api-gateway sealed them with.
    reader.useSecretsEncryptionKey(config.SECRETS_ENCRYPTION_KEY);
  }

  /** The tenant's snapshot, built on first use. */
  async get(tenantId: string): Promise<Snapshot | undefined> {
    return this.snapshots.get(tenantId) ?? this.rebuild(tenantId);
  }

  /** The tenant's latest built snapshot, without building one. */
  peek(tenantId: string): Snapshot | undefined {
    return this.snapshots.get(tenantId);
  }

  /** The tenant config version `snapshot` was built from (0 if unknown). */
  configVersionOf(snapshot: Snapshot): number {
    return this.configVersions.get(snapshot) ?? 0;
  }

  /** Forgets a tenant nobody is connected for; its next proxy triggers a fresh build. */
  forget(tenantId: string): void {
    this.snapshots.delete(tenantId);
  }

  /** Rebuilds from the database; asked again while building, it builds once more and answers with that. */
  rebuild(tenantId: string): Promise<Snapshot | undefined> {
    const running = this.building.get(tenantId);
    if (running) {
      this.stale.add(tenantId);
      return running;
    }
    const build = (async () => {
      let snapshot: Snapshot | undefined;
      do {
        this.stale.delete(tenantId);
        snapshot = await this.build(tenantId);
      } while (this.stale.has(tenantId));
      return snapshot;
    })().finally(() => this.building.delete(tenantId));
    this.building.set(tenantId, build);
    return build;
  }

  private async build(tenantId: string): Promise<Snapshot | undefined> {
    const config = await this.db.forTenant(tenantId, (tx) => this.reader.load(tx, tenantId));
    try {
      const snapshot = Snapshot.create(renderTenantConfig(config));
      this.configVersions.set(snapshot, config.version);
      this.snapshots.set(tenantId, snapshot);
      return snapshot;
    } catch (error) {
      // Keep serving the last consistent snapshot rather than a broken one.
      this.logger.error(`tenant ${tenantId} config version ${config.version} not served: ${String(error)}`);
      return this.snapshots.get(tenantId);
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { TenantConfig } from '@envoy-fleet/domain';
import type { Tx } from './database';
import { ClusterRepository } from './repositories/cluster.repository';
import { ConfigVersionRepository } from './repositories/config-version.repository';
import { ListenerRepository } from './repositories/listener.repository';
import { RouteConfigurationRepository } from './repositories/route-configuration.repository';
import { SecretRepository } from './repositories/secret.repository';

// Revisions are API concerns (ETags); the xDS side gets the plain domain objects.
function withoutRevision<T extends { revision: number }>(item: T): Omit<T, 'revision'> {
  const { revision: _revision, ...rest } = item;
  return rest;
}

/** Reads a tenant's whole declared config, as the xDS server needs it. */
@Injectable()
export class TenantConfigReader {
  private readonly clusters = new ClusterRepository();
  private readonly listeners = new ListenerRepository();
  private readonly routeConfigurations = new RouteConfigurationRepository();
  private readonly secrets = new SecretRepository();
  private readonly versions = new ConfigVersionRepository();

  /** Loads everything in one transaction, so the result is one consistent snapshot. */
  async load(tx: Tx, tenantId: string): Promise<TenantConfig> {
    // Sequential on purpose: an interactive transaction is a single connection.
    const version = await this.versions.current(tx, tenantId);
    const clusters = await this.clusters.list(tx, tenantId);
    const listeners = await this.listeners.list(tx, tenantId);
    const routeConfigurations = await this.routeConfigurations.list(tx, tenantId);
    const secrets = await this.secrets.list(tx, tenantId);
    return {
      tenantId,
      version,
      clusters: clusters.map(withoutRevision),
      listeners: listeners.map(withoutRevision),
      routeConfigurations: routeConfigurations.map(withoutRevision),
      secrets: secrets.map(withoutRevision),
    };
  }
}

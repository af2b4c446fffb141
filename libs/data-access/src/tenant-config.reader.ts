import { Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SecretBox, type Secret, type TenantConfig } from '@envoy-fleet/domain';
import { Database, type Tx } from './database';
import { ClusterRepository } from './repositories/cluster.repository';
import { ConfigVersionRepository } from './repositories/config-version.repository';
import { FleetKeyRepository, secretsEncryptionKey } from './repositories/fleet-key.repository';
import { ListenerRepository } from './repositories/listener.repository';
import { RouteConfigurationRepository } from './repositories/route-configuration.repository';
import { SecretRepository } from './repositories/secret.repository';

// Revisions are API concerns (ETags); the xDS side gets the plain domain objects.
function withoutRevision<T extends { revision: number }>(item: T): Omit<T, 'revision'> {
  const { revision: _revision, ...rest } = item;
  return rest;
}

// Rows written before keys were sealed (and test fixtures) hold the PEM itself.
const PLAIN_PEM = /^\s*-----BEGIN /;

/**
 * Reads a tenant's whole declared config, as the xDS server needs it, with secrets' private keys
 * opened (the API stores them sealed with SECRETS_ENCRYPTION_KEY, or the key kept in the database).
 */
@Injectable()
export class TenantConfigReader implements OnApplicationBootstrap {
  private readonly logger = new Logger(TenantConfigReader.name);
  private readonly clusters = new ClusterRepository();
  private readonly listeners = new ListenerRepository();
  private readonly routeConfigurations = new RouteConfigurationRepository();
  private readonly secrets = new SecretRepository();
  private readonly versions = new ConfigVersionRepository();
  private configuredKey = '';
  private box?: Promise<SecretBox>;

  constructor(
    @Optional() private readonly db?: Database,
    @Optional() private readonly keys?: FleetKeyRepository,
  ) {}

  /** The SECRETS_ENCRYPTION_KEY the API seals private keys with; empty: the key kept in the database. */
  useSecretsEncryptionKey(key: string): void {
    this.configuredKey = key;
    this.box = undefined;
  }

  /** Resolves the key before the first load, outside any tenant transaction (PGlite has one session). */
  onApplicationBootstrap(): void {
    this.secretBox()?.catch(() => (this.box = undefined));
  }

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
      secrets: await this.openKeys(tenantId, secrets.map(withoutRevision)),
    };
  }

  private async openKeys(tenantId: string, secrets: Secret[]): Promise<Secret[]> {
    if (!secrets.some((s) => s.privateKeyPem !== undefined && !PLAIN_PEM.test(s.privateKeyPem)))
      return secrets;
    const box = await this.secretBox();
    const opened: Secret[] = [];
    for (const secret of secrets) {
      const sealed = secret.privateKeyPem;
      if (sealed === undefined || PLAIN_PEM.test(sealed)) {
        opened.push(secret);
        continue;
      }
      try {
        if (!box) throw new Error('no secrets key available');
        opened.push({ ...secret, privateKeyPem: box.open(sealed) });
      } catch (error) {
        // Left out rather than sent broken: proxies that need it keep their last good copy.
        this.logger.error(`tenant ${tenantId} secret '${secret.name}' not served: ${String(error)}`);
      }
    }
    return opened;
  }

  private secretBox(): Promise<SecretBox> | undefined {
    if (!this.db || !this.keys)
      return this.configuredKey ? Promise.resolve(new SecretBox(this.configuredKey)) : undefined;
    this.box ??= secretsEncryptionKey(this.db, this.keys, this.configuredKey).then(
      (key) => new SecretBox(key),
    );
    return this.box;
  }
}

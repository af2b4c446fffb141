import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Database } from './database';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AuditRepository } from './repositories/audit.repository';
import { ClusterRepository } from './repositories/cluster.repository';
import { ConfigVersionRepository } from './repositories/config-version.repository';
import { FleetKeyRepository } from './repositories/fleet-key.repository';
import { ListenerRepository } from './repositories/listener.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { ProxyBatchRepository } from './repositories/proxy-batch.repository';
import { ProxyStatusRepository } from './repositories/proxy-status.repository';
import { ProxyRepository } from './repositories/proxy.repository';
import { RouteConfigurationRepository } from './repositories/route-configuration.repository';
import { SecretRepository } from './repositories/secret.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { UserRepository } from './repositories/user.repository';
import { VmRepository } from './repositories/vm.repository';
import { WebhookDeliveryRepository } from './repositories/webhook-delivery.repository';
import { WebhookSubscriptionRepository } from './repositories/webhook-subscription.repository';
import { TenantConfigReader } from './tenant-config.reader';

const repositories = [
  TenantRepository,
  UserRepository,
  ApiKeyRepository,
  ProxyRepository,
  ProxyBatchRepository,
  VmRepository,
  ClusterRepository,
  ListenerRepository,
  RouteConfigurationRepository,
  SecretRepository,
  ConfigVersionRepository,
  ProxyStatusRepository,
  AuditRepository,
  OutboxRepository,
  FleetKeyRepository,
  WebhookSubscriptionRepository,
  WebhookDeliveryRepository,
  TenantConfigReader,
];

export interface DataAccessOptions {
  /** PostgreSQL as fleet_app; empty means the embedded database in `dataDir`. */
  databaseUrl: string;
  /** Folder of the embedded services' data (the database goes in `<dataDir>/postgres`). */
  dataDir: string;
  /** Connections per pool to a PostgreSQL server (DATABASE_POOL_SIZE; node-postgres' 10 when unset). */
  poolSize?: number;
}

async function openDatabase(options: DataAccessOptions): Promise<Database> {
  const logger = new Logger('Database');
  if (options.databaseUrl) {
    const database = Database.connect(options.databaseUrl, options.poolSize);
    logger.log(`database: PostgreSQL at ${database.location}`);
    return database;
  }
  const database = await Database.embedded(options.dataDir);
  logger.log(`database: embedded PGlite in ${database.location} (set DATABASE_URL to use PostgreSQL)`);
  return database;
}

/** Provides Database (as fleet_app, on a server or embedded) and every repository. */
@Module({})
export class DataAccessModule {
  /** `options` come from the app's validated config. */
  static forRoot(options: DataAccessOptions): DynamicModule {
    return {
      module: DataAccessModule,
      global: true,
      providers: [{ provide: Database, useFactory: () => openDatabase(options) }, ...repositories],
      exports: [Database, ...repositories],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { Database } from './database';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AuditRepository } from './repositories/audit.repository';
import { ClusterRepository } from './repositories/cluster.repository';
import { ConfigVersionRepository } from './repositories/config-version.repository';
import { ListenerRepository } from './repositories/listener.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { ProxyStatusRepository } from './repositories/proxy-status.repository';
import { ProxyRepository } from './repositories/proxy.repository';
import { RouteConfigurationRepository } from './repositories/route-configuration.repository';
import { SecretRepository } from './repositories/secret.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { UserRepository } from './repositories/user.repository';
import { TenantConfigReader } from './tenant-config.reader';

const repositories = [
  TenantRepository,
  UserRepository,
  ApiKeyRepository,
  ProxyRepository,
  ClusterRepository,
  ListenerRepository,
  RouteConfigurationRepository,
  SecretRepository,
  ConfigVersionRepository,
  ProxyStatusRepository,
  AuditRepository,
  OutboxRepository,
  TenantConfigReader,
];

/** Provides Database (connected as fleet_app) and every repository. */
@Module({})
export class DataAccessModule {
  /** `databaseUrl` comes from the app's validated config, e.g. via `useFactory`. */
  static forRoot(options: { databaseUrl: string }): DynamicModule {
    return {
      module: DataAccessModule,
      global: true,
      providers: [
        { provide: Database, useFactory: () => new Database(options.databaseUrl) },
        ...repositories,
      ],
      exports: [Database, ...repositories],
    };
  }
}

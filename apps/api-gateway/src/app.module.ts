import { CacheModule, CacheReadiness } from '@envoy-fleet/cache';
import { TypedConfigModule } from '@envoy-fleet/config';
import { DataAccessModule, DatabaseOutboxStore, DatabaseReadiness } from '@envoy-fleet/data-access';
import { EventBusReadiness, MessagingModule, OutboxRelayModule } from '@envoy-fleet/messaging';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { ApiConfig } from './api-config';
import { CollectionPagesModule } from './common/collection-pages';
import { AuditModule } from './audit/audit.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { ClustersModule } from './clusters/clusters.module';
import { ConfigChangesModule } from './config-changes/config-changes.module';
import { ListenersModule } from './listeners/listeners.module';
import { ProxiesModule } from './proxies/proxies.module';
import { RouteConfigurationsModule } from './route-configurations/route-configurations.module';
import { SignalsModule } from './signals/signals.module';
import { TenantsModule } from './tenants/tenants.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { HooksModule } from './hooks/hooks.module';
import { QuotasModule } from './quotas/quotas.module';
import { ConcurrencyModule } from './concurrency/concurrency.module';
import { ReadCacheModule } from './read-cache/read-cache.module';
import { EventsModule } from './events/events.module';
import { VmsModule } from './vms/vms.module';
import { GrpcApiModule } from './grpc/grpc-api.module';
import { SecretsModule } from './secrets/secrets.module';

/** api-gateway: the REST API for tenants, proxies and their config. */
@Module({})
export class AppModule {
  static forConfig(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(ApiConfig, config),
        DataAccessModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          dataDir: config.FLEET_DATA_DIR,
          poolSize: config.DATABASE_POOL_SIZE,
        }),
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          clientName: 'api-gateway',
          dataDir: config.FLEET_DATA_DIR,
        }),
        CacheModule.forRoot({ redisUrl: config.REDIS_URL }),
        ObservabilityModule.forRoot({
          app: 'api-gateway',
          readinessChecks: [DatabaseReadiness, EventBusReadiness, CacheReadiness],
        }),
        OutboxRelayModule.forRoot({
          store: DatabaseOutboxStore,
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        }),
        ConfigChangesModule,
        CollectionPagesModule,
        AuditModule,
        IdempotencyModule,
        // Global interceptors run in this order: the request-rate quota, then ETag/If-Match, then
        // the read cache (a cached GET is still counted against the quota).
        QuotasModule,
        ConcurrencyModule,
        ReadCacheModule,
        EventsModule,
        AuthModule,
        TenantsModule,
        ApiKeysModule,
        ProxiesModule,
        ClustersModule,
        ListenersModule,
        RouteConfigurationsModule,
        SecretsModule,
        SignalsModule,
        WebhooksModule,
        HooksModule,
        VmsModule,
        GrpcApiModule,
      ],
    };
  }
}

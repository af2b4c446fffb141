import { TypedConfigModule } from '@envoy-fleet/config';
import {
  Database,
  DataAccessModule,
  DatabaseReadiness,
  FleetKeyRepository,
  ProxyTokens,
} from '@envoy-fleet/data-access';
import { EventBusReadiness, MessagingModule } from '@envoy-fleet/messaging';
import { AppMetrics, ObservabilityModule } from '@envoy-fleet/observability';
import { DynamicModule, Module } from '@nestjs/common';
import { FleetProxiesService } from './fleet-proxies/fleet-proxies.service';
import { ProxyRemovedHandler } from './fleet-proxies/proxy-removed.handler';
import { ProxyStatusHandler } from './fleet-proxies/proxy-status.handler';
import { MetricsGrpcServer } from './grpc/metrics-grpc.server';
import { StreamMetricsHandler } from './grpc/stream-metrics.handler';
import { MetricsConfig } from './metrics-config';
import { ProxyDirectory } from './proxies/proxy-directory.service';
import { SignalsController } from './signals/signals.controller';
import { TenantSignalsService } from './signals/tenant-signals.service';
import { FleetStats } from './sink/fleet-stats';
import { createFleetStats } from './sink/sink-metrics';
import { StatsExpiryService } from './sink/stats-expiry.service';

/**
 * metrics-service: Envoy's StreamMetrics sink (latest stats per registered proxy, on `/metrics`
 * with tenant and proxy labels), per-tenant signals, and fleet gauges from proxy status events.
 */
@Module({})
export class AppModule {
  static forConfig(config: MetricsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(MetricsConfig, config),
        DataAccessModule.forRoot({ databaseUrl: config.DATABASE_URL, dataDir: config.FLEET_DATA_DIR }),
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          clientName: 'metrics-service',
          dataDir: config.FLEET_DATA_DIR,
        }),
        ObservabilityModule.forRoot({
          app: 'metrics-service',
          readinessChecks: [DatabaseReadiness, EventBusReadiness],
        }),
      ],
      controllers: [SignalsController],
      providers: [
        {
          provide: FleetStats,
          useFactory: (metrics: AppMetrics) =>
            createFleetStats(metrics, {
              allowlist: config.METRICS_STAT_ALLOWLIST,
              maxSeriesPerProxy: config.METRICS_MAX_SERIES_PER_PROXY,
              graceMs: config.METRICS_STREAM_GRACE_MS,
            }),
          inject: [AppMetrics],
        },
        StatsExpiryService,
        ProxyDirectory,
        {
          provide: ProxyTokens,
          useFactory: (db: Database, keys: FleetKeyRepository) =>
            new ProxyTokens(db, keys, config.PROXY_TOKEN_SECRET),
          inject: [Database, FleetKeyRepository],
        },
        StreamMetricsHandler,
        MetricsGrpcServer,
        TenantSignalsService,
        FleetProxiesService,
        ProxyStatusHandler,
        ProxyRemovedHandler,
      ],
    };
  }
}

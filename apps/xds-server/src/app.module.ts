import { TypedConfigModule } from '@envoy-fleet/config';
import { DataAccessModule, DatabaseOutboxStore, DatabaseReadiness } from '@envoy-fleet/data-access';
import { EventBusReadiness, MessagingModule, OutboxRelayModule } from '@envoy-fleet/messaging';
import { ObservabilityModule } from '@envoy-fleet/observability';
import { SnapshotCache } from '@envoy-fleet/xds';
import { DynamicModule, Module } from '@nestjs/common';
import { ProxyDirectory } from './admission/proxy-directory';
import { ConfigUpdatedHandler } from './config-events/config-updated.handler';
import { ProxyRemovedHandler } from './config-events/proxy-removed.handler';
import { ProxyTokenRotatedHandler } from './config-events/proxy-token-rotated.handler';
import { ProxyAuthenticator } from './auth/proxy-authenticator';
import { XdsGrpcServer } from './grpc/xds-grpc.server';
import { CsdsGrpcServer } from './csds/csds-grpc.server';
import { ProxyStatusRecorder } from './proxy-status/proxy-status.recorder';
import { StoredStatuses } from './proxy-status/stored-statuses';
import { XdsCallbacksService } from './proxy-status/xds-callbacks.service';
import { ConfigPushesService } from './snapshots/config-pushes.service';
import { ConnectedProxiesService } from './snapshots/connected-proxies.service';
import { TenantSnapshotsService } from './snapshots/tenant-snapshots.service';
import { XdsMetrics } from './metrics/xds-metrics';
import { XdsConfig } from './xds-config';

/** xds-server: ADS for registered proxies, fed by config events, recording ACK/NACK per proxy. */
@Module({})
export class AppModule {
  static forConfig(config: XdsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forValue(XdsConfig, config),
        DataAccessModule.forRoot({ databaseUrl: config.DATABASE_URL, dataDir: config.FLEET_DATA_DIR }),
        MessagingModule.forRoot({
          natsUrl: config.NATS_URL,
          clientName: 'xds-server',
          dataDir: config.FLEET_DATA_DIR,
        }),
        OutboxRelayModule.forRoot({
          store: DatabaseOutboxStore,
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        }),
        ObservabilityModule.forRoot({
          app: 'xds-server',
          readinessChecks: [DatabaseReadiness, EventBusReadiness],
        }),
      ],
      providers: [
        { provide: SnapshotCache, useValue: new SnapshotCache() },
        XdsMetrics,
        ProxyDirectory,
        StoredStatuses,
        TenantSnapshotsService,
        ConnectedProxiesService,
        ConfigPushesService,
        ProxyStatusRecorder,
        XdsCallbacksService,
        ConfigUpdatedHandler,
        ProxyRemovedHandler,
        ProxyTokenRotatedHandler,
        ProxyAuthenticator,
        XdsGrpcServer,
        CsdsGrpcServer,
      ],
    };
  }
}

import { Database, ProxyRepository, TenantRepository } from '@envoy-fleet/data-access';
import { startApp } from '@envoy-fleet/observability';
import { app as metricsService } from '../../apps/metrics-service/src/app';
import { MetricsGrpcServer } from '../../apps/metrics-service/src/grpc/metrics-grpc.server';
import { FleetStats } from '../../apps/metrics-service/src/sink/fleet-stats';

/**
 * Our sink as it runs in production, on the embedded database (PGlite, in `dataDir`) and the
 * in-process bus, with `proxies` registered so every stream is admitted.
 */
export async function startFleetSink(
  dataDir: string,
  proxies: number,
): Promise<{ port: number; messages: () => number; close: () => Promise<void> }> {
  const { app } = await startApp(
    metricsService,
    {
      HTTP_PORT: '0',
      METRICS_GRPC_PORT: '0',
      METRICS_GRPC_HOST: '127.0.0.1',
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    { shutdownHooks: false },
  );
  const db = await Database.embedded(dataDir);
  const tenant = await db.asSystem((tx) => new TenantRepository().create(tx, 'bench'));
  await db.forTenant(tenant.id, async (tx) => {
    for (let i = 0; i < proxies; i++) await new ProxyRepository().create(tx, tenant.id, `bench-proxy-${i}`);
  });
  await db.close();
  const stats = app.get(FleetStats);
  return {
    port: app.get(MetricsGrpcServer).port,
    messages: () => stats.counters.messages,
    close: () => app.close(),
  };
}

import { Database, ProxyRepository, TenantRepository } from '@envoy-fleet/data-access';
import { signProxyToken } from '@envoy-fleet/domain';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApp } from '@envoy-fleet/observability';
import { app as metricsService } from '../../apps/metrics-service/src/app';
import { MetricsGrpcServer } from '../../apps/metrics-service/src/grpc/metrics-grpc.server';
import { FleetStats } from '../../apps/metrics-service/src/sink/fleet-stats';

const TOKEN_SECRET = 'metrics-bench-token-secret';

/**
 * Our sink as it runs in production, on the embedded database (PGlite, in `dataDir`) and the
 * in-process bus, with `proxies` registered so every stream is admitted, and their tokens (as
 * their bootstraps carry them) written to `tokensFile`, one per proxy index.
 */
export async function startFleetSink(
  dataDir: string,
  proxies: number,
): Promise<{ port: number; tokensFile: string; messages: () => number; close: () => Promise<void> }> {
  const { app } = await startApp(
    metricsService,
    {
      HTTP_PORT: '0',
      METRICS_GRPC_PORT: '0',
      METRICS_GRPC_HOST: '127.0.0.1',
      FLEET_DATA_DIR: dataDir,
      PROXY_TOKEN_SECRET: TOKEN_SECRET,
      LOG_LEVEL: 'warn',
    },
    { shutdownHooks: false },
  );
  const db = await Database.embedded(dataDir);
  const tenant = await db.asSystem((tx) => new TenantRepository().create(tx, 'bench'));
  const tokens = await db.forTenant(tenant.id, async (tx) => {
    const signed: string[] = [];
    for (let i = 0; i < proxies; i++) {
      const proxy = await new ProxyRepository().create(tx, tenant.id, `bench-proxy-${i}`);
      const claims = { proxyId: proxy.id, tenantId: tenant.id, nodeId: proxy.nodeId, generation: 1 };
      signed.push(signProxyToken(claims, TOKEN_SECRET));
    }
    return signed;
  });
  await db.close();
  const tokensFile = join(dataDir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify(tokens));
  const stats = app.get(FleetStats);
  return {
    port: app.get(MetricsGrpcServer).port,
    tokensFile,
    messages: () => stats.counters.messages,
    close: () => app.close(),
  };
}

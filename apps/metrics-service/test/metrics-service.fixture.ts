import { Database, ProxyRepository, TenantRepository } from '@envoy-fleet/data-access';
import { metrics } from '@envoy-fleet/envoy-api';
import { InProcessEventBus } from '@envoy-fleet/messaging';
import { startApp } from '@envoy-fleet/observability';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import { signProxyToken } from '@envoy-fleet/domain';
import { ClientWritableStream, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app as metricsServiceApp } from '../src/app';
import { MetricsGrpcServer } from '../src/grpc/metrics-grpc.server';

/** metrics-service as it runs, on a throw-away PostgreSQL database and the in-process event bus. */
export interface MetricsServiceFixture {
  app: NestFastifyApplication;
  httpUrl: string;
  grpcAddress: string;
  /** The same in-process bus the app consumes from (shared through FLEET_DATA_DIR). */
  bus: InProcessEventBus;
  registerProxy(tenantName: string, nodeId: string): Promise<{ tenantId: string; proxyId: string }>;
  /** The token api-gateway would put in the node's bootstrap (one for made-up ids if not registered). */
  tokenFor(nodeId: string): string;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

/** Signs the proxy tokens of the tests, as api-gateway would with the same PROXY_TOKEN_SECRET. */
const TOKEN_SECRET = 'metrics-service-test-token-secret';

export async function startMetricsService(env: Record<string, string> = {}): Promise<MetricsServiceFixture> {
  const database: TestDatabase = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'metrics-service-'));
  const { app } = await startApp(
    metricsServiceApp,
    {
      HTTP_PORT: '0',
      METRICS_GRPC_PORT: '0',
      METRICS_GRPC_HOST: '127.0.0.1',
      DATABASE_URL: database.appUrl,
      PROXY_TOKEN_SECRET: TOKEN_SECRET,
      NATS_URL: '',
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      ...env,
    },
    { shutdownHooks: false },
  );
  const db = Database.connect(database.appUrl);
  const bus = await InProcessEventBus.shared(join(dataDir, 'events'));
  const tenants = new Map<string, string>();
  const registered = new Map<string, { tenantId: string; proxyId: string }>();
  const httpUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    httpUrl,
    grpcAddress: `127.0.0.1:${app.get(MetricsGrpcServer).port}`,
    bus,
    async registerProxy(tenantName, nodeId) {
      let tenantId = tenants.get(tenantName);
      if (!tenantId) {
        tenantId = (await db.asSystem((tx) => new TenantRepository().create(tx, tenantName))).id;
        tenants.set(tenantName, tenantId);
      }
      const id = tenantId;
      const proxy = await db.forTenant(id, (tx) => new ProxyRepository().create(tx, id, nodeId));
      registered.set(nodeId, { tenantId: id, proxyId: proxy.id });
      return { tenantId: id, proxyId: proxy.id };
    },
    tokenFor(nodeId) {
      const { tenantId, proxyId } = registered.get(nodeId) ?? {
        tenantId: randomUUID(),
        proxyId: randomUUID(),
      };
      return signProxyToken({ proxyId, tenantId, nodeId, generation: 1 }, TOKEN_SECRET);
    },
    async scrape() {
      const response = await fetch(`${httpUrl}/metrics`);
      return response.text();
    },
    async close() {
      await app.close();
      await bus.close();
      await db.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A client speaking StreamMetrics as Envoy's `metrics_service` sink does: the node on the first message only. */
export class EnvoyMetricsStream {
  private readonly client: metrics.MetricsServiceClient;
  private readonly call: ClientWritableStream<metrics.StreamMetricsMessage>;
  private sent = 0;
  /** How the call ended: null for OK, else the status error. */
  readonly ended: Promise<ServiceError | null>;

  /** `token` goes in an `authorization: Bearer` header, as Envoy's bootstrap from the API sends it. */
  constructor(
    address: string,
    private readonly nodeId: string | undefined,
    token?: string,
  ) {
    this.client = new metrics.MetricsServiceClient(address, credentials.createInsecure());
    let settle: (error: ServiceError | null) => void = () => undefined;
    this.ended = new Promise((resolve) => (settle = resolve));
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    this.call = this.client.streamMetrics(metadata, (error) => settle(error));
    this.call.on('error', () => undefined);
  }

  /** Sends one flush of stats. */
  send(families: metrics.MetricFamily[]): void {
    const identifier =
      this.sent === 0 && this.nodeId !== undefined ? { node: { id: this.nodeId } } : undefined;
    this.sent += 1;
    this.call.write(
      metrics.StreamMetricsMessage.fromPartial({
        ...(identifier ? { identifier } : {}),
        envoyMetrics: families,
      }),
    );
  }

  /** Closes the stream as Envoy does on shutdown, and waits for the status. */
  async end(): Promise<ServiceError | null> {
    this.call.end();
    const result = await this.ended;
    this.client.close();
    return result;
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

/** One Envoy counter (cumulative, as Envoy sends them by default). */
export function counter(name: string, value: number, timestampMs?: number): metrics.MetricFamily {
  return metrics.MetricFamily.fromPartial({
    name,
    type: metrics.MetricType.COUNTER,
    metric: [{ counter: { value }, ...(timestampMs !== undefined ? { timestampMs } : {}) }],
  });
}

export function gauge(name: string, value: number): metrics.MetricFamily {
  return metrics.MetricFamily.fromPartial({
    name,
    type: metrics.MetricType.GAUGE,
    metric: [{ gauge: { value } }],
  });
}

/** The value of the sample `name` with (at least) these labels in `/metrics` text, or undefined. */
export function sampleOf(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && pairs.every((p) => l.includes(p)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

import { metrics } from '@envoy-fleet/envoy-api';
import { Server } from '@grpc/grpc-js';
import { bindServer } from '@envoy-fleet/xds';
import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { MetricsConfig } from '../metrics-config';
import { FleetStats } from '../sink/fleet-stats';
import { decodeStreamMetricsMessage } from './stream-metrics.codec';
import { StreamMetricsHandler } from './stream-metrics.handler';

const SHUTDOWN_GRACE_MS = 2000;

/** The gRPC server Envoy's `metrics_service` stats sink streams to. */
@Injectable()
export class MetricsGrpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsGrpcServer.name);
  private readonly server: Server;
  /** The bound port (differs from METRICS_GRPC_PORT when that is 0). */
  port = 0;

  constructor(
    private readonly config: MetricsConfig,
    private readonly handler: StreamMetricsHandler,
    private readonly stats: FleetStats,
    metrics: AppMetrics,
  ) {
    this.server = new Server({
      // StreamMetrics streams stay open for the proxy's lifetime; keepalives find dead peers.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      interceptors: [metrics.grpc.interceptor()],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const method = metrics.MetricsServiceService.streamMetrics;
    const service = {
      streamMetrics: {
        ...method,
        requestDeserialize: (bytes: Buffer) =>
          decodeStreamMetricsMessage(bytes, (name) => this.stats.uses(name)),
      },
    } satisfies typeof metrics.MetricsServiceService;
    this.server.addService(service, {
      streamMetrics: this.handler.handle.bind(this.handler),
    } satisfies metrics.MetricsServiceServer);
    this.port = await bindServer(this.server, this.config.METRICS_GRPC_HOST, this.config.METRICS_GRPC_PORT);
    this.logger.log(`StreamMetrics listening on ${this.config.METRICS_GRPC_HOST}:${this.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Metrics streams never end by themselves: give in-flight work a moment, then cut them.
    const graceful = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([graceful, timeout]);
    this.server.forceShutdown();
  }
}

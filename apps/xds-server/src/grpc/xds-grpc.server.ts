import { Server } from '@grpc/grpc-js';
import { addXdsServices, bindServer, SnapshotCache, XdsServices } from '@envoy-fleet/xds';
import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { XdsCallbacksService } from '../proxy-status/xds-callbacks.service';
import { ProxyStatusRecorder } from '../proxy-status/proxy-status.recorder';
import { XdsConfig } from '../xds-config';
import { serverCredentials } from './server-credentials';

const SHUTDOWN_GRACE_MS = 2000;

/** The gRPC server proxies connect to for ADS. */
@Injectable()
export class XdsGrpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(XdsGrpcServer.name);
  private readonly server: Server;
  private xds?: XdsServices;
  /** The bound port (differs from XDS_PORT when that is 0). */
  port = 0;

  constructor(
    private readonly config: XdsConfig,
    private readonly cache: SnapshotCache,
    private readonly callbacks: XdsCallbacksService,
    private readonly recorder: ProxyStatusRecorder,
    metrics: AppMetrics,
  ) {
    this.server = new Server({
      interceptors: [metrics.grpc.interceptor()],
      // Envoy keeps ADS streams open for hours; keepalives find dead peers.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      ...(config.XDS_MAX_CONNECTION_AGE_MS > 0
        ? {
            'grpc.max_connection_age_ms': config.XDS_MAX_CONNECTION_AGE_MS,
            'grpc.max_connection_age_grace_ms': config.XDS_MAX_CONNECTION_AGE_GRACE_MS,
          }
        : {}),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // ADS and the per-type services (LDS/RDS/CDS/EDS/SDS), each in SotW and Delta.
    this.xds = addXdsServices(this.server, {
      watcher: this.cache,
      callbacks: this.callbacks,
      log: (errorId, error) =>
        this.logger.error(`internal error ${errorId}`, error instanceof Error ? error.stack : String(error)),
    });
    const { XDS_HOST: host, XDS_PORT: port } = this.config;
    this.port = await bindServer(this.server, host, port, serverCredentials(this.config));
    const transport = this.config.XDS_TLS_CLIENT_CA_FILE
      ? 'mutual TLS'
      : this.config.XDS_TLS_CERT_FILE
        ? 'TLS'
        : 'plaintext';
    this.logger.log(`ADS listening on ${this.config.XDS_HOST}:${this.port} (${transport})`);
  }

  /** Ends the open streams of a proxy (by id: the streams' key) that may no longer be served; returns how many. */
  endStreamsOf(proxyId: string, error: unknown): number {
    return this.xds?.endStreamsOf(proxyId, error) ?? 0;
  }

  /** Streams end and the last statuses are written before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    // ADS streams never end by themselves: give in-flight work a moment, then cut them.
    const graceful = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([graceful, timeout]);
    this.server.forceShutdown();
    await this.recorder.flush();
  }
}

import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AdsService, addAdsService, SnapshotCache } from '@envoy-fleet/xds';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { XdsCallbacksService } from '../proxy-status/xds-callbacks.service';
import { ProxyStatusRecorder } from '../proxy-status/proxy-status.recorder';
import { XdsConfig } from '../xds-config';

const SHUTDOWN_GRACE_MS = 2000;

/** The gRPC server proxies connect to for ADS. */
@Injectable()
export class XdsGrpcServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(XdsGrpcServer.name);
  private readonly server = new Server({
    // Envoy keeps ADS streams open for hours; keepalives find dead peers.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  private ads?: AdsService;
  /** The bound port (differs from XDS_PORT when that is 0). */
  port = 0;

  constructor(
    private readonly config: XdsConfig,
    private readonly cache: SnapshotCache,
    private readonly callbacks: XdsCallbacksService,
    private readonly recorder: ProxyStatusRecorder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.ads = addAdsService(this.server, {
      watcher: this.cache,
      callbacks: this.callbacks,
      log: (errorId, error) =>
        this.logger.error(`internal error ${errorId}`, error instanceof Error ? error.stack : String(error)),
    });
    const address = `${this.config.XDS_HOST}:${this.config.XDS_PORT}`;
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.logger.log(`ADS listening on ${this.config.XDS_HOST}:${this.port}`);
  }

  /** Ends the open streams of a proxy that may no longer be served; returns how many. */
  endStreamsOf(nodeId: string, error: unknown): number {
    return this.ads?.endStreamsOf(nodeId, error) ?? 0;
  }

  async onApplicationShutdown(): Promise<void> {
    // ADS streams never end by themselves: give in-flight work a moment, then cut them.
    const graceful = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([graceful, timeout]);
    this.server.forceShutdown();
    await this.recorder.flush();
  }
}

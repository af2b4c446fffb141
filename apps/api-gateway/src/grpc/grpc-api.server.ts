import { AppMetrics } from '@envoy-fleet/observability';
import { bindServer } from '@envoy-fleet/xds';
import { Server } from '@grpc/grpc-js';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import { fleetServices } from './fleet-services';
import { RestRelay } from './rest-relay';

const SHUTDOWN_GRACE_MS = 2000;

/** The `fleet.v1` gRPC API on API_GRPC_PORT (0: not served). */
@Injectable()
export class GrpcApiServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GrpcApiServer.name);
  private server: Server | undefined;
  /** The bound port; 0 while not serving. */
  port = 0;

  constructor(
    private readonly config: ApiConfig,
    private readonly relay: RestRelay,
    private readonly metrics: AppMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.API_GRPC_PORT === 0) return;
    const server = new Server({ interceptors: [this.metrics.grpc.interceptor()] });
    for (const service of fleetServices(this.relay))
      server.addService(service.definition, service.implementation);
    this.port = await bindServer(server, this.config.API_GRPC_HOST, this.config.API_GRPC_PORT);
    this.server = server;
    this.logger.log(`fleet.v1 gRPC API listening on ${this.config.API_GRPC_HOST}:${this.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    // Unary calls finish quickly; wait for those in flight, but not for ever.
    const graceful = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([graceful, timeout]);
    server.forceShutdown();
  }
}

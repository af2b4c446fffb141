import { csds } from '@envoy-fleet/envoy-api';
import { bindServer, toGrpcStatus } from '@envoy-fleet/xds';
import { Server, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { XdsCallbacksService } from '../proxy-status/xds-callbacks.service';
import { ConnectedProxiesService } from '../snapshots/connected-proxies.service';
import { XdsConfig } from '../xds-config';
import { clientStatus } from './client-status';

/**
 * envoy.service.status.v3.ClientStatusDiscoveryService: what every proxy connected to this
 * replica was sent and accepted, per resource. It shows every tenant's config, so it listens on
 * its own port, on loopback unless configured otherwise: an operator's tool, like Envoy's admin,
 * never reachable with a tenant's credentials. Each proxy is reported on its own, with its tenant
 * and proxy id in the node metadata (a query can match on them to see one tenant only).
 */
@Injectable()
export class CsdsGrpcServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CsdsGrpcServer.name);
  private readonly server: Server;
  /** The bound port (differs from XDS_CSDS_PORT when that is 0). */
  port = 0;

  constructor(
    private readonly config: XdsConfig,
    private readonly callbacks: XdsCallbacksService,
    private readonly connected: ConnectedProxiesService,
    metrics: AppMetrics,
  ) {
    this.server = new Server({ interceptors: [metrics.grpc.interceptor()] });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.XDS_CSDS_PORT < 0) return;
    this.server.addService(csds.ClientStatusDiscoveryServiceService, {
      fetchClientStatus: (
        call: ServerUnaryCall<csds.ClientStatusRequest, csds.ClientStatusResponse>,
        done: sendUnaryData<csds.ClientStatusResponse>,
      ) => {
        try {
          done(null, this.status(call.request));
        } catch (error) {
          done(toGrpcStatus(error));
        }
      },
      streamClientStatus: (call: ServerDuplexStream<csds.ClientStatusRequest, csds.ClientStatusResponse>) => {
        call.on('data', (request: csds.ClientStatusRequest) => {
          try {
            call.write(this.status(request));
          } catch (error) {
            call.emit('error', toGrpcStatus(error));
          }
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    });
    this.port = await bindServer(this.server, this.config.XDS_CSDS_HOST, this.config.XDS_CSDS_PORT);
    this.logger.log(`CSDS listening on ${this.config.XDS_CSDS_HOST}:${this.port}`);
  }

  private status(request: csds.ClientStatusRequest): csds.ClientStatusResponse {
    const streams = this.callbacks.streams().map(({ node, proxy, sync }) => ({
      node,
      sync,
      tenantId: proxy.tenantId,
      proxyId: proxy.id,
      snapshot: this.connected.cache.getSnapshot(proxy.id),
    }));
    return clientStatus(streams, request);
  }

  onApplicationShutdown(): void {
    this.server.forceShutdown();
  }
}

import { DomainError } from '@envoy-fleet/domain';
import { EVENT_BUS, EventBus, ProxyRegistryEvent, SubjectHandler, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProxyDirectory } from '../admission/proxy-directory';
import { XdsGrpcServer } from '../grpc/xds-grpc.server';

/** Consumes `fleet.proxy.removed.*`: a proxy removed from the API loses its open streams at once. */
@Injectable()
export class ProxyRemovedHandler extends SubjectHandler<ProxyRegistryEvent> {
  private readonly logger = new Logger(ProxyRemovedHandler.name);
  readonly subscribeOptions = { subject: Subjects.allProxyRemoved };

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly grpc: XdsGrpcServer,
    private readonly directory: ProxyDirectory,
  ) {
    super(bus);
  }

  async handle(event: ProxyRegistryEvent): Promise<void> {
    // First: admissions under way see the change and check again (see ProxyDirectory).
    // By proxy id: another tenant's proxy may share the node id, and its streams stay open.
    this.directory.invalidate(event.proxyId);
    const error = new DomainError(
      'PERMISSION_DENIED',
      `node '${event.nodeId}' is no longer a registered proxy`,
    );
    const ended = this.grpc.endStreamsOf(event.proxyId, error);
    if (ended > 0) {
      this.logger.log(`ended ${ended} stream(s) of removed proxy ${event.proxyId} (node ${event.nodeId})`);
    }
  }
}

import { DomainError } from '@envoy-fleet/domain';
import { EVENT_BUS, EventBus, ProxyRegistryEvent, SubjectHandler, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProxyDirectory } from '../admission/proxy-directory';
import { XdsGrpcServer } from '../grpc/xds-grpc.server';

/** Consumes `fleet.proxy.token-rotated.*`: streams opened with a revoked token end at once. */
@Injectable()
export class ProxyTokenRotatedHandler extends SubjectHandler<ProxyRegistryEvent> {
  private readonly logger = new Logger(ProxyTokenRotatedHandler.name);
  readonly subscribeOptions = { subject: Subjects.allProxyTokenRotated };

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
    const error = new DomainError('UNAUTHENTICATED', 'the proxy token was revoked; fetch a new bootstrap');
    const ended = this.grpc.endStreamsOf(event.proxyId, error);
    if (ended > 0) {
      this.logger.log(
        `ended ${ended} stream(s) of proxy ${event.proxyId} (node ${event.nodeId}) after a token rotation`,
      );
    }
  }
}

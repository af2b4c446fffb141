import { DomainError } from '@envoy-fleet/domain';
import { EVENT_BUS, EventBus, ProxyRegistryEvent, SubjectHandler, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { XdsGrpcServer } from '../grpc/xds-grpc.server';

/** Consumes `fleet.proxy.token-rotated.*`: streams opened with a revoked token end at once. */
@Injectable()
export class ProxyTokenRotatedHandler extends SubjectHandler<ProxyRegistryEvent> {
  private readonly logger = new Logger(ProxyTokenRotatedHandler.name);
  readonly subscribeOptions = { subject: Subjects.allProxyTokenRotated };

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly grpc: XdsGrpcServer,
  ) {
    super(bus);
  }

  async handle(event: ProxyRegistryEvent): Promise<void> {
    const error = new DomainError('UNAUTHENTICATED', 'the proxy token was revoked; fetch a new bootstrap');
    const ended = this.grpc.endStreamsOf(event.nodeId, error);
    if (ended > 0) this.logger.log(`ended ${ended} stream(s) of node ${event.nodeId} after a token rotation`);
  }
}

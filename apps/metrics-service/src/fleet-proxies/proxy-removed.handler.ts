import { EVENT_BUS, EventBus, ProxyRegistryEvent, SubjectHandler, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { FleetProxiesService } from './fleet-proxies.service';

/** Consumes `fleet.proxy.removed.*`: a removed proxy leaves the fleet gauges. */
@Injectable()
export class ProxyRemovedHandler extends SubjectHandler<ProxyRegistryEvent> {
  readonly subscribeOptions = { subject: Subjects.allProxyRemoved, durable: 'metrics-service-proxy-removed' };

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly proxies: FleetProxiesService,
  ) {
    super(bus);
  }

  async handle(event: ProxyRegistryEvent): Promise<void> {
    this.proxies.forget(event.proxyId);
  }
}

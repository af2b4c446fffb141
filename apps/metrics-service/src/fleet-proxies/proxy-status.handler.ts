import { EVENT_BUS, EventBus, ProxyStatusEvent, SubjectHandler, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { FleetProxiesService } from './fleet-proxies.service';

/**
 * Consumes `fleet.proxy.status.*` into the fleet gauges. Durable, so a restarted sink replays the
 * stream and rebuilds every proxy's state instead of starting from nothing.
 */
@Injectable()
export class ProxyStatusHandler extends SubjectHandler<ProxyStatusEvent> {
  readonly subscribeOptions = { subject: Subjects.allProxyStatus, durable: 'metrics-service-proxy-status' };

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly proxies: FleetProxiesService,
  ) {
    super(bus);
  }

  async handle(event: ProxyStatusEvent): Promise<void> {
    this.proxies.observe(event);
  }
}

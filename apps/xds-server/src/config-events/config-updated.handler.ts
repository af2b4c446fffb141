import { ConfigUpdatedEvent, EVENT_BUS, EventBus, Subjects, Subscription } from '@envoy-fleet/messaging';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConnectedProxiesService } from '../snapshots/connected-proxies.service';

/**
 * Consumes `fleet.config.updated.*` and pushes the tenant's new snapshot. Every replica needs every
 * event, and a replica that starts reads the database anyway, so it takes only events newer than itself.
 */
@Injectable()
export class ConfigUpdatedHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigUpdatedHandler.name);
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly connected: ConnectedProxiesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe<ConfigUpdatedEvent>(
      { subject: Subjects.allConfigUpdated },
      (event) => this.handle(event.payload),
    );
  }

  async handle(event: ConfigUpdatedEvent): Promise<void> {
    this.logger.debug(`tenant ${event.tenantId} config version ${event.version}`);
    await this.connected.refreshTenant(event.tenantId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}

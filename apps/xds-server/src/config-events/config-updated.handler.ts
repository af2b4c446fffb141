import { ConfigUpdatedEvent, EVENT_BUS, EventBus, SubjectHandler, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigPushesService } from '../snapshots/config-pushes.service';

/**
 * Consumes `fleet.config.updated.*` and schedules a push of the tenant's new snapshot. Every replica needs every
 * event, and a replica that starts reads the database anyway, so it takes only events newer than itself.
 */
@Injectable()
export class ConfigUpdatedHandler extends SubjectHandler<ConfigUpdatedEvent> {
  private readonly logger = new Logger(ConfigUpdatedHandler.name);
  readonly subscribeOptions = { subject: Subjects.allConfigUpdated };

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly pushes: ConfigPushesService,
  ) {
    super(bus);
  }

  async handle(event: ConfigUpdatedEvent): Promise<void> {
    this.logger.debug(`tenant ${event.tenantId} config version ${event.version}`);
    this.pushes.changed(event.tenantId, event);
  }
}

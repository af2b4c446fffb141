import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { EVENT_BUS, EventBus } from './event-bus';
import { InProcessEventBus } from './in-process/in-process-event-bus';
import { JetStreamEventBus } from './jetstream-event-bus';
import { withoutCredentials } from './nats-url';

export interface MessagingOptions {
  /** NATS server with JetStream; empty means the in-process bus, shared by every app in this process. */
  natsUrl: string;
  /** Connection name, shown by the NATS server. */
  clientName: string;
  /** Folder of the embedded services' data (the in-process bus journals in `<dataDir>/events`). */
  dataDir: string;
}

async function openEventBus(options: MessagingOptions): Promise<EventBus> {
  const logger = new Logger('EventBus');
  if (options.natsUrl) {
    const bus = await JetStreamEventBus.connect(options.natsUrl, options.clientName);
    logger.log(`event bus: NATS JetStream at ${withoutCredentials(options.natsUrl)}`);
    return bus;
  }
  const dir = join(options.dataDir, 'events');
  const bus = await InProcessEventBus.shared(dir);
  logger.log(`event bus: in-process, journal in ${dir} (set NATS_URL to use NATS JetStream)`);
  return bus;
}

/** Closes the bus when the app stops. */
@Injectable()
class EventBusLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** Readiness of the event bus, for `/readyz`. */
@Injectable()
export class EventBusReadiness {
  readonly name = 'event-bus';
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  check(): Promise<void> {
    return this.bus.ping();
  }
}

/** Provides the EventBus (JetStream, or in-process without a NATS URL) under EVENT_BUS for the whole app. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: EVENT_BUS,
          useFactory: () => openEventBus(options),
        },
        EventBusLifecycle,
        EventBusReadiness,
      ],
      exports: [EVENT_BUS, EventBusReadiness],
    };
  }
}

import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_BUS, EventBus } from './event-bus';
import { JetStreamEventBus } from './jetstream-event-bus';

export interface MessagingOptions {
  natsUrl: string;
  /** Connection name, shown by the NATS server. */
  clientName: string;
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

/** Provides the EventBus (JetStream) under EVENT_BUS for the whole app. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: EVENT_BUS,
          useFactory: () => JetStreamEventBus.connect(options.natsUrl, options.clientName),
        },
        EventBusLifecycle,
        EventBusReadiness,
      ],
      exports: [EVENT_BUS, EventBusReadiness],
    };
  }
}

import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Type,
} from '@nestjs/common';
import { EVENT_BUS, EventBus } from './event-bus';
import { OutboxRelay, OutboxStore } from './outbox-relay';

/** Injection token for the app's OutboxStore. */
export const OUTBOX_STORE = Symbol('OUTBOX_STORE');
const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');

interface RelayModuleOptions {
  pollIntervalMs: number;
  /** The OutboxStore implementation, resolved from the app's container. */
  store: Type<OutboxStore>;
}

/** Runs the outbox relay for the app's lifetime; writers call `kick()` right after they commit. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(OUTBOX_STORE) store: OutboxStore,
    @Inject(EVENT_BUS) bus: EventBus,
    @Inject(RELAY_OPTIONS) options: RelayModuleOptions,
  ) {
    this.relay = new OutboxRelay(store, bus, {
      batchSize: 100,
      pollIntervalMs: options.pollIntervalMs,
      onError: (error) =>
        this.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  kick(): void {
    this.relay.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

/** Provides OutboxRelayService, publishing from `store` to the app's EventBus. */
@Global()
@Module({})
export class OutboxRelayModule {
  static forRoot(options: RelayModuleOptions): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [
        { provide: RELAY_OPTIONS, useValue: options },
        options.store,
        { provide: OUTBOX_STORE, useExisting: options.store },
        OutboxRelayService,
      ],
      exports: [OutboxRelayService],
    };
  }
}

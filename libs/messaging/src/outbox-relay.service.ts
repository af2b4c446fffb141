import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  Optional,
  BeforeApplicationShutdown,
  Type,
} from '@nestjs/common';
import { AppMetrics, subjectKind } from '@envoy-fleet/observability';
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
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(OUTBOX_STORE) store: OutboxStore,
    @Inject(EVENT_BUS) bus: EventBus,
    @Inject(RELAY_OPTIONS) options: RelayModuleOptions,
    @Optional() metrics?: AppMetrics,
  ) {
    this.relay = new OutboxRelay(store, bus, {
      batchSize: 100,
      pollIntervalMs: options.pollIntervalMs,
      onError: (error) =>
        this.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)}`),
      onEventPublished: (event) => metrics?.events.published.inc({ subject: subjectKind(event.subject) }),
    });
    const backlog = store.backlog?.bind(store);
    if (metrics && backlog) metrics.events.watchOutbox(backlog);
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  kick(): void {
    this.relay.kick();
  }

  /** Before the database closes (it closes at application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
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

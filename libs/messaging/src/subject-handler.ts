import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventBus, ReceivedEvent, SubscribeOptions, Subscription } from './event-bus';

/**
 * A thin consumer of one subject with a typed payload: subscribes when the app starts and stops
 * when it shuts down. Subclasses say what to subscribe to and how to handle one event.
 */
export abstract class SubjectHandler<T> implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  protected constructor(private readonly bus: EventBus) {}

  /** The subject filter, and a durable name if events must wait while the app is away. */
  abstract readonly subscribeOptions: SubscribeOptions;

  /** Handles one event; a rejection leaves it to be redelivered (durable subscriptions). */
  abstract handle(payload: T, event: ReceivedEvent<T>): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe<T>(this.subscribeOptions, (event) =>
      this.handle(event.payload, event),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}

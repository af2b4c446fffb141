import { Database, WebhookDeliveryRepository } from '@envoy-fleet/data-access';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WebhookConfig } from '../webhook-config';
import { DeliveryDispatcher } from './delivery-dispatcher.service';
import { SubscriptionCache } from './subscription-cache';

const BATCH = 200;

/**
 * Picks up deliveries that are due: retries whose time came, redeliveries asked for through the
 * API, and deliveries a stopped process held (their lease ran out). The schedule lives in the rows,
 * so a restart resumes where the last process stopped.
 */
@Injectable()
export class DueDeliveriesPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DueDeliveriesPoller.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: WebhookConfig,
    private readonly db: Database,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly subscriptions: SubscriptionCache,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.poll()
        .catch((error: unknown) => this.logger.error(`polling due deliveries: ${String(error)}`))
        .finally(() => (this.running = undefined));
    }, this.config.WEBHOOK_POLL_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Claims and dispatches one batch of due deliveries. */
  async poll(): Promise<void> {
    const due = await this.db.asSystem((tx) => this.deliveries.claimDue(tx, BATCH, this.dispatcher.leaseMs));
    const fresh = due.filter((d) => !this.dispatcher.isInFlight(d.id));
    if (fresh.length === 0) return;
    const subscriptions = new Map(
      (await this.subscriptions.byIds([...new Set(fresh.map((d) => d.subscriptionId))])).map((s) => [
        s.id,
        s,
      ]),
    );
    for (const delivery of fresh) {
      const subscription = subscriptions.get(delivery.subscriptionId);
      if (subscription) this.dispatcher.dispatch(delivery, subscription);
    }
  }
}

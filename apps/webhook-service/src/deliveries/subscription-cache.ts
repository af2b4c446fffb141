import { Database, WebhookSubscriptionRecord, WebhookSubscriptionRepository } from '@envoy-fleet/data-access';
import { Injectable } from '@nestjs/common';

const FRESH_MS = 1000;

/**
 * Every tenant's active subscriptions, read in one query at most once a second (and again at once
 * after a `webhook.changed` event), so matching an event costs no query on the hot path, however
 * many tenants the events come from.
 */
@Injectable()
export class SubscriptionCache {
  private loaded?: { at: number; byTenant: Promise<Map<string, WebhookSubscriptionRecord[]>> };

  constructor(
    private readonly db: Database,
    private readonly repository: WebhookSubscriptionRepository,
  ) {}

  async forTenant(tenantId: string): Promise<WebhookSubscriptionRecord[]> {
    if (!this.loaded || Date.now() - this.loaded.at >= FRESH_MS) {
      const byTenant = this.db.asSystem((tx) => this.repository.listActive(tx)).then(groupByTenant);
      byTenant.catch(() => (this.loaded = undefined));
      this.loaded = { at: Date.now(), byTenant };
    }
    return (await this.loaded.byTenant).get(tenantId) ?? [];
  }

  /** The next lookup reads the subscriptions again. */
  invalidate(): void {
    this.loaded = undefined;
  }

  /** Subscriptions by id in any tenant, active or not (for deliveries picked up by the poller). */
  byIds(ids: string[]): Promise<WebhookSubscriptionRecord[]> {
    return this.db.asSystem((tx) => this.repository.findByIds(tx, ids));
  }
}

function groupByTenant(subscriptions: WebhookSubscriptionRecord[]): Map<string, WebhookSubscriptionRecord[]> {
  const byTenant = new Map<string, WebhookSubscriptionRecord[]>();
  for (const s of subscriptions) byTenant.set(s.tenantId, [...(byTenant.get(s.tenantId) ?? []), s]);
  return byTenant;
}

import { Counter, Gauge, type Registry } from 'prom-client';

/** What the outbox holds unpublished, read at scrape time. */
export interface OutboxBacklog {
  count: number;
  /** Age of the oldest unpublished row, in seconds (0 when there is none). */
  oldestAgeSeconds: number;
}

/** Events through the bus: published by the outbox relay, consumed by subject handlers. */
export class EventMetrics {
  readonly published: Counter<'subject'>;
  readonly consumed: Counter<'subject' | 'outcome'>;

  constructor(private readonly registry: Registry) {
    this.published = new Counter({
      name: 'fleet_events_published_total',
      help: 'Events the outbox relay published, by subject without the tenant (fleet.<area>.<event>).',
      labelNames: ['subject'],
      registers: [registry],
    });
    this.consumed = new Counter({
      name: 'fleet_events_consumed_total',
      help: 'Events handled, by subject without the tenant and outcome (ok, failed: left for redelivery).',
      labelNames: ['subject', 'outcome'],
      registers: [registry],
    });
  }

  /** Shows the outbox backlog on `/metrics` (call once per app, from the app that relays). */
  watchOutbox(read: () => Promise<OutboxBacklog>): void {
    let last: Promise<OutboxBacklog> | undefined;
    // Both gauges come from one read per scrape; a failed read shows NaN rather than failing the scrape.
    const backlog = () =>
      (last ??= read()
        .catch(() => ({ count: NaN, oldestAgeSeconds: NaN }))
        .finally(() => setImmediate(() => (last = undefined))));
    new Gauge({
      name: 'fleet_outbox_unpublished',
      help: 'Outbox rows not yet published.',
      registers: [this.registry],
      async collect() {
        this.set((await backlog()).count);
      },
    });
    new Gauge({
      name: 'fleet_outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when the outbox is empty).',
      registers: [this.registry],
      async collect() {
        this.set((await backlog()).oldestAgeSeconds);
      },
    });
  }
}

/** `fleet.config.updated.<tenant>` → `fleet.config.updated`: the subject without its tenant. */
export function subjectKind(subject: string): string {
  const parts = subject.split('.');
  return parts.length === 4 && parts[0] === 'fleet' ? parts.slice(0, 3).join('.') : 'other';
}

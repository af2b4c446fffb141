import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';

/** Delivery metrics (alert rules use these names). */
@Injectable()
export class WebhookMetrics {
  readonly deliveries: Counter<'kind' | 'outcome'>;
  readonly duration: Histogram<'kind'>;
  readonly deadLetters: Counter<'kind'>;

  constructor(metrics: AppMetrics) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'fleet_webhook_deliveries_total',
      help: 'Delivery attempts by target kind and outcome (delivered, failed, dead_lettered).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'fleet_webhook_delivery_duration_seconds',
      help: 'Duration of one delivery attempt, request to response.',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'fleet_webhook_dead_letters_total',
      help: 'Deliveries given up after the attempts or age limit, or refused targets.',
      labelNames: ['kind'],
      registers,
    });
  }
}

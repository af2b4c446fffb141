import {
  Database,
  WebhookDeliveryRecord,
  WebhookDeliveryRepository,
  WebhookDeliveryStatus,
  WebhookSubscriptionRecord,
} from '@envoy-fleet/data-access';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Agent } from 'undici';
import { TargetGuard, TargetRefusedError } from '../targets/target-guard';
import { WebhookConfig } from '../webhook-config';
import { AttemptRecorder } from './attempt-recorder';
import { CircuitBreaker } from './circuit-breaker';
import { attemptOnce, AttemptOutcome, deliveryAgent } from './http-attempt';
import { outboundRequest } from './outbound-request';
import { nextRetry, RetryPolicyOptions } from './retry-policy';
import { TargetLimiter } from './target-limiter';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookSecrets } from './webhook-secrets';

/** Deliveries in flight in one process (sending or waiting for a connection) before intake waits. */
const MAX_BACKLOG = 1000;

/** The fields of a delivery an attempt needs. */
export type DueDelivery = Pick<
  WebhookDeliveryRecord,
  'id' | 'tenantId' | 'eventType' | 'payload' | 'eventAt' | 'attempts'
>;

/**
 * Makes delivery attempts: per target a concurrency limit and a circuit breaker, the SSRF guard at
 * every attempt, a timeout; records each attempt and schedules the next (or dead-letters).
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly guard: TargetGuard;
  private readonly limiter: TargetLimiter;
  private readonly circuits: CircuitBreaker;
  private readonly retry: RetryPolicyOptions;
  private readonly inFlight = new Set<string>();
  private readonly agent: Agent;
  private readonly waitingForRoom: (() => void)[] = [];

  constructor(
    private readonly config: WebhookConfig,
    private readonly db: Database,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly secrets: WebhookSecrets,
    private readonly metrics: WebhookMetrics,
    private readonly recorder: AttemptRecorder,
  ) {
    this.guard = new TargetGuard(config.WEBHOOK_ALLOWED_TARGETS);
    this.limiter = new TargetLimiter(config.WEBHOOK_CONCURRENCY_PER_TARGET);
    this.agent = deliveryAgent(config.WEBHOOK_CONCURRENCY_PER_TARGET);
    this.circuits = new CircuitBreaker(config.WEBHOOK_CIRCUIT_FAILURES, config.WEBHOOK_CIRCUIT_OPEN_MS);
    this.retry = {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      maxAgeMs: config.WEBHOOK_MAX_AGE_MS,
      baseMs: config.WEBHOOK_RETRY_BASE_MS,
      maxMs: config.WEBHOOK_RETRY_MAX_MS,
    };
  }

  /** How long a worker holds a delivery it is trying; after that another may take it over. */
  get leaseMs(): number {
    return this.config.WEBHOOK_TIMEOUT_MS + 5000;
  }

  /** Deliveries being tried in this process. */
  isInFlight(id: string): boolean {
    return this.inFlight.has(id);
  }

  /** Tries the delivery once (in the background); never throws. */
  dispatch(delivery: DueDelivery, subscription: WebhookSubscriptionRecord): void {
    if (this.inFlight.has(delivery.id)) return;
    this.inFlight.add(delivery.id);
    this.attempt(delivery, subscription)
      .catch((error: unknown) => this.logger.error(`delivery ${delivery.id}: ${String(error)}`))
      .finally(() => {
        this.inFlight.delete(delivery.id);
        if (this.inFlight.size < MAX_BACKLOG) this.waitingForRoom.shift()?.();
      });
  }

  /** Waits until nothing is in flight (for shutdown and tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Closes the kept-alive connections once the attempts on them are answered. */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  /**
   * Resolves when fewer than MAX_BACKLOG deliveries are in flight here. The intake waits for it, so
   * that events are taken from the stream no faster than they are sent: a delivery waiting longer
   * than its lease would be claimed again by the poller (or another replica).
   */
  room(): Promise<void> {
    if (this.inFlight.size < MAX_BACKLOG) return Promise.resolve();
    return new Promise((resolve) => this.waitingForRoom.push(resolve));
  }

  private async attempt(delivery: DueDelivery, subscription: WebhookSubscriptionRecord): Promise<void> {
    const url = new URL(subscription.url);
    const target = url.origin;
    const admitted = this.circuits.admit(target);
    if (!admitted.ok) {
      const until = new Date(Date.now() + admitted.retryInMs);
      await this.db.asSystem((tx) => this.deliveries.postpone(tx, delivery.id, until));
      return;
    }
    const outcome = await this.limiter.run(target, () => this.send(delivery, subscription, url));
    if (outcome.ok) this.circuits.succeeded(target);
    else if (!outcome.refused) this.circuits.failed(target);
    await this.record(delivery, subscription, outcome);
  }

  private async send(
    delivery: DueDelivery,
    subscription: WebhookSubscriptionRecord,
    url: URL,
  ): Promise<AttemptOutcome & { refused?: boolean }> {
    try {
      await this.guard.check(url);
      const request = outboundRequest({
        deliveryId: delivery.id,
        tenantId: delivery.tenantId,
        eventType: delivery.eventType,
        eventAt: delivery.eventAt,
        payload: delivery.payload,
        kind: subscription.kind,
        url: subscription.url,
        secret: await this.secrets.open(subscription.secretSealed),
        ...(subscription.tokenSealed ? { token: await this.secrets.open(subscription.tokenSealed) } : {}),
        ...(subscription.repository ? { repository: subscription.repository } : {}),
        linkBaseUrl: this.config.WEBHOOK_LINK_BASE_URL,
      });
      return await attemptOnce(request, this.config.WEBHOOK_TIMEOUT_MS, this.agent);
    } catch (error) {
      const refused = error instanceof TargetRefusedError;
      return { ok: false, latencyMs: 0, error: (error as Error).message, refused };
    }
  }

  private async record(
    delivery: DueDelivery,
    subscription: WebhookSubscriptionRecord,
    outcome: AttemptOutcome & { refused?: boolean },
  ): Promise<void> {
    const kind = subscription.kind;
    const attempts = delivery.attempts + 1;
    const decision =
      outcome.ok || outcome.refused
        ? ({ retry: false } as const)
        : nextRetry(this.retry, attempts, Date.now() - delivery.eventAt.getTime(), outcome.retryAfterMs);
    const status: WebhookDeliveryStatus = outcome.ok
      ? 'delivered'
      : decision.retry
        ? 'pending'
        : 'dead_lettered';
    const { ok: _ok, retryAfterMs: _retryAfter, refused: _refused, ...logged } = outcome;
    await this.recorder.record(delivery.id, {
      status,
      attempt: { at: new Date().toISOString(), ...logged },
      nextAttemptAt: decision.retry ? new Date(Date.now() + decision.delayMs) : null,
    });
    this.metrics.duration.observe({ kind }, outcome.latencyMs / 1000);
    const result = status === 'pending' ? 'failed' : status;
    this.metrics.deliveries.inc({ kind, outcome: result });
    if (status === 'dead_lettered') {
      this.metrics.deadLetters.inc({ kind });
      this.logger.warn(
        `delivery ${delivery.id} dead-lettered after ${attempts} attempt(s): ${outcome.error ?? outcome.statusCode}`,
      );
    }
  }
}

import { ResourceType } from '@envoy-fleet/domain';
import { AppMetrics } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { PushOrigins } from './push-origins';

/** What xds-server counts at scrape time. */
export interface XdsGauges {
  connectedProxies?: () => number;
  pushesWaiting?: () => number;
}

/**
 * xds-server's own metrics, in the app's registry. Labels stay bounded: resource type, stream
 * kind, stage, reason code; never a proxy, node or tenant id.
 */
@Injectable()
export class XdsMetrics {
  readonly origins = new PushOrigins();
  private readonly streams: Gauge<'kind'>;
  private readonly responses: Counter<'type'>;
  private readonly acks: Counter<'type'>;
  private readonly nacks: Counter<'type'>;
  private readonly refusals: Counter<'code'>;
  private readonly latency: Histogram<'type' | 'stage'>;
  /** Per stream and type, a pushed response still waiting for its answer: the push's origin (ms). */
  private readonly awaiting = new WeakMap<object, Map<ResourceType, number>>();
  private readonly gauges: XdsGauges = {};

  constructor(metrics: AppMetrics) {
    const registers = [metrics.registry];
    const gauges = this.gauges;
    new Gauge({
      name: 'fleet_xds_connected_proxies',
      help: 'Registered proxies with at least one admitted xDS stream on this replica.',
      registers,
      collect() {
        this.set(gauges.connectedProxies?.() ?? 0);
      },
    });
    this.streams = new Gauge({
      name: 'fleet_xds_streams',
      help: 'Open xDS streams, by kind (sotw, delta).',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of ['sotw', 'delta']) this.streams.set({ kind }, 0);
    const byType = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['type'] as const, registers });
    this.responses = byType('fleet_xds_pushes_total', 'xDS responses sent to proxies, by resource type.');
    this.acks = byType('fleet_xds_acks_total', 'Responses proxies accepted (ACK), by resource type.');
    this.nacks = byType('fleet_xds_nacks_total', 'Responses proxies rejected (NACK), by resource type.');
    this.refusals = new Counter({
      name: 'fleet_xds_streams_refused_total',
      help: 'xDS streams refused at admission, by domain error code.',
      labelNames: ['code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'fleet_xds_push_latency_seconds',
      help: 'From a config write to its push reaching a connected proxy, by resource type and stage (sent, acked).',
      labelNames: ['type', 'stage'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'fleet_xds_pushes_waiting',
      help: 'Tenants with a debounced push waiting.',
      registers,
      collect() {
        this.set(gauges.pushesWaiting?.() ?? 0);
      },
    });
  }

  /** Wires scrape-time gauges to the services that know (they depend on this one, not back). */
  watch(gauges: XdsGauges): void {
    Object.assign(this.gauges, gauges);
  }

  streamOpened(kind: 'sotw' | 'delta'): void {
    this.streams.inc({ kind });
  }

  streamClosed(kind: 'sotw' | 'delta'): void {
    this.streams.dec({ kind });
  }

  refused(code: string): void {
    this.refusals.inc({ code });
  }

  /**
   * A response of `type` and `configVersion` went out on `stream` (its sync state, as a key). It
   * counts as a push (with latency) only when the stream already had an earlier config version
   * of the type: a new or reconnected stream's first response is its initial sync, not a push.
   */
  responseSent(
    push: { tenantId: string; type: ResourceType; previous: number; configVersion: number },
    stream: object,
  ): void {
    const { tenantId, type, previous, configVersion } = push;
    this.responses.inc({ type });
    const waiting = this.awaiting.get(stream) ?? new Map<ResourceType, number>();
    this.awaiting.set(stream, waiting);
    const origin = previous > 0 ? this.origins.originOf(tenantId, configVersion) : undefined;
    if (origin === undefined || configVersion <= previous) {
      waiting.delete(type);
      return;
    }
    this.latency.observe({ type, stage: 'sent' }, secondsSince(origin));
    waiting.set(type, origin);
  }

  acked(type: ResourceType, stream: object): void {
    this.acks.inc({ type });
    const waiting = this.awaiting.get(stream);
    const origin = waiting?.get(type);
    if (origin === undefined) return;
    waiting?.delete(type);
    this.latency.observe({ type, stage: 'acked' }, secondsSince(origin));
  }

  nacked(type: ResourceType, stream: object): void {
    this.nacks.inc({ type });
    this.awaiting.get(stream)?.delete(type);
  }
}

/** Seconds since `at` (ms); 0 if the writer's clock is ahead of ours. */
function secondsSince(at: number): number {
  return Math.max(0, (Date.now() - at) / 1000);
}

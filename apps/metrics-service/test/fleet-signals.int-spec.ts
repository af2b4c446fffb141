import type { ProxyStatusEvent } from '@envoy-fleet/messaging';
import { Subjects } from '@envoy-fleet/messaging';
import { pollUntil } from '@envoy-fleet/testing';
import { randomUUID } from 'node:crypto';
import { ProxyStatusHandler } from '../src/fleet-proxies/proxy-status.handler';
import { SignalsController } from '../src/signals/signals.controller';
import { TenantSignals } from '../src/signals/tenant-signals';
import {
  counter,
  EnvoyMetricsStream,
  MetricsServiceFixture,
  sampleOf,
  startMetricsService,
} from './metrics-service.fixture';

// Real parts: PostgreSQL (a throw-away database), the in-process event bus (the one `npm start`
// uses; JetStream is held to the same contract by libs/messaging's suite), gRPC over loopback.
let fleet: MetricsServiceFixture;

beforeAll(async () => {
  fleet = await startMetricsService({ METRICS_PROXY_STALE_AFTER_MS: '60000' });
});

afterAll(async () => {
  await fleet.close();
});

describe(SignalsController.name, () => {
  async function signalsOf(tenantId: string): Promise<TenantSignals> {
    const response = await fetch(`${fleet.httpUrl}/v1/signals/${tenantId}`);
    expect(response.status).toBe(200);
    return (await response.json()) as TenantSignals;
  }

  it('computes request rate, 5xx ratio and upstream failures from two successive messages', async () => {
    const { tenantId } = await fleet.registerProxy('signals', 'envoy-s1');
    const stream = new EnvoyMetricsStream(fleet.grpcAddress, 'envoy-s1', fleet.tokenFor('envoy-s1'));
    const flush = (at: number, requests: number, errors: number, timeouts: number) =>
      stream.send([
        counter('http.ingress_http.downstream_rq_total', requests, at),
        counter('http.ingress_http.downstream_rq_5xx', errors, at),
        counter('http.admin.downstream_rq_total', 1_000_000, at),
        counter('cluster.backend.upstream_rq_timeout', timeouts, at),
      ]);
    try {
      flush(1_700_000_000_000, 1000, 10, 0);
      flush(1_700_000_005_000, 1500, 60, 5);
      const signals = await pollUntil(
        () => signalsOf(tenantId),
        (s) => s.proxies === 1,
      );
      expect(signals).toEqual({
        tenantId,
        proxies: 1,
        requestRate: 100,
        errorRatio5xx: 0.1,
        upstreamFailureRate: 1,
      });
      const text = await fleet.scrape();
      expect(sampleOf(text, 'fleet_tenant_request_rate', { tenant: tenantId })).toBe(100);
      expect(sampleOf(text, 'fleet_tenant_5xx_ratio', { tenant: tenantId })).toBe(0.1);
      expect(sampleOf(text, 'fleet_tenant_upstream_failure_rate', { tenant: tenantId })).toBe(1);
    } finally {
      stream.close();
    }
    expect(await signalsOf(randomUUID())).toMatchObject({ proxies: 0, requestRate: 0, errorRatio5xx: 0 });
  });
});

describe(ProxyStatusHandler.name, () => {
  it('moves fleet_proxies{tenant,state} as proxy status events arrive', async () => {
    const { tenantId, proxyId } = await fleet.registerProxy('status', 'envoy-p1');
    const publish = (state: ProxyStatusEvent['state'], type: ProxyStatusEvent['type'], at: number) => {
      const event: ProxyStatusEvent = {
        tenantId,
        proxyId,
        nodeId: 'envoy-p1',
        type,
        state,
        version: 'v1',
        occurredAt: new Date(at).toISOString(),
      };
      return fleet.bus.publish(Subjects.proxyStatus(tenantId), event, randomUUID());
    };
    const stateOf = async (state: string) =>
      sampleOf(await fleet.scrape(), 'fleet_proxies', { tenant: tenantId, state });
    const now = Date.now();

    await publish('PENDING', 'cluster', now);
    await pollUntil(
      () => stateOf('syncing'),
      (n) => n === 1,
    );
    await publish('ACKED', 'cluster', now + 1);
    await pollUntil(
      () => stateOf('synced'),
      (n) => n === 1,
    );
    expect(await stateOf('syncing')).toBe(0);
    await publish('NACKED', 'listener', now + 2);
    await pollUntil(
      () => stateOf('rejected'),
      (n) => n === 1,
    );
    expect(await stateOf('synced')).toBe(0);
    // Rejected wins until the listener is accepted; then a push unanswered for too long is stale.
    await publish('ACKED', 'listener', now + 3);
    await publish('PENDING', 'route', now - 120_000);
    await pollUntil(
      () => stateOf('stale'),
      (n) => n === 1,
    );
    expect(await stateOf('rejected')).toBe(0);
  });
});

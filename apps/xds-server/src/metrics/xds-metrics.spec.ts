import { AppMetrics } from '@envoy-fleet/observability';
import { PushOrigins } from './push-origins';
import { XdsMetrics } from './xds-metrics';

/** The value of the series `name` with (at least) `labels` in Prometheus text, if any. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe(PushOrigins.name, () => {
  it('dates a push from the earliest change it carries', () => {
    const origins = new PushOrigins();
    origins.changed('t', 2, 1_000);
    origins.changed('t', 3, 1_200);
    origins.changed('t', 4, 1_500);
    origins.pushed('t', 3);
    expect(origins.originOf('t', 3)).toBe(1_000);
    origins.pushed('t', 4);
    expect(origins.originOf('t', 4)).toBe(1_500);
    expect(origins.originOf('other', 3)).toBeUndefined();
  });

  it('forgets a tenant nobody is connected for', () => {
    const origins = new PushOrigins();
    origins.changed('t', 2, 1_000);
    origins.forget('t');
    origins.pushed('t', 2);
    expect(origins.originOf('t', 2)).toBeUndefined();
  });
});

describe(XdsMetrics.name, () => {
  const setup = () => {
    const app = new AppMetrics('xds-server');
    const metrics = new XdsMetrics(app);
    const text = () => app.registry.metrics();
    return { metrics, text };
  };

  it('times a push to an up-to-date stream until sent and until acked', async () => {
    const { metrics, text } = setup();
    metrics.origins.changed('t', 5, Date.now() - 200);
    metrics.origins.pushed('t', 5);
    const stream = {};
    metrics.responseSent({ tenantId: 't', type: 'cluster', previous: 4, configVersion: 5 }, stream);
    metrics.acked('cluster', stream);
    metrics.acked('cluster', stream); // a second ACK of the same push is not timed again
    const out = await text();
    expect(sample(out, 'fleet_xds_push_latency_seconds_count', { type: 'cluster', stage: 'sent' })).toBe(1);
    expect(sample(out, 'fleet_xds_push_latency_seconds_count', { type: 'cluster', stage: 'acked' })).toBe(1);
    expect(sample(out, 'fleet_xds_pushes_total', { type: 'cluster' })).toBe(1);
    expect(sample(out, 'fleet_xds_acks_total', { type: 'cluster' })).toBe(2);
  });

  it('does not time a new stream’s initial sync, nor the ACK after a NACK', async () => {
    const { metrics, text } = setup();
    metrics.origins.changed('t', 5, Date.now() - 60_000);
    metrics.origins.pushed('t', 5);
    const fresh = {};
    metrics.responseSent({ tenantId: 't', type: 'listener', previous: 0, configVersion: 5 }, fresh);
    metrics.acked('listener', fresh);
    const rejecting = {};
    metrics.responseSent({ tenantId: 't', type: 'route', previous: 4, configVersion: 5 }, rejecting);
    metrics.nacked('route', rejecting);
    metrics.acked('route', rejecting);
    const out = await text();
    expect(
      sample(out, 'fleet_xds_push_latency_seconds_count', { type: 'listener', stage: 'sent' }),
    ).toBeUndefined();
    expect(
      sample(out, 'fleet_xds_push_latency_seconds_count', { type: 'route', stage: 'acked' }),
    ).toBeUndefined();
    expect(sample(out, 'fleet_xds_nacks_total', { type: 'route' })).toBe(1);
  });

  it('counts streams by kind, refusals by code, and scrape-time gauges', async () => {
    const { metrics, text } = setup();
    metrics.streamOpened('delta');
    metrics.streamOpened('sotw');
    metrics.streamClosed('sotw');
    metrics.refused('PERMISSION_DENIED');
    metrics.watch({ connectedProxies: () => 7 });
    metrics.watch({ pushesWaiting: () => 2 });
    const out = await text();
    expect(sample(out, 'fleet_xds_streams', { kind: 'delta' })).toBe(1);
    expect(sample(out, 'fleet_xds_streams', { kind: 'sotw' })).toBe(0);
    expect(sample(out, 'fleet_xds_streams_refused_total', { code: 'PERMISSION_DENIED' })).toBe(1);
    expect(sample(out, 'fleet_xds_connected_proxies', {})).toBe(7);
    expect(sample(out, 'fleet_xds_pushes_waiting', {})).toBe(2);
  });
});

import { Registry } from 'prom-client';
import { EventMetrics, subjectKind } from './event-metrics';
import { splitPath } from './grpc-metrics';

describe(EventMetrics.name, () => {
  it('labels events by subject without the tenant, keeping the label set bounded', () => {
    expect(subjectKind('fleet.config.updated.0b0e-tenant')).toBe('fleet.config.updated');
    expect(subjectKind('fleet.proxy.status.t1')).toBe('fleet.proxy.status');
    expect(subjectKind('something.else')).toBe('other');
  });

  it('reads the outbox backlog once per scrape for both gauges', async () => {
    const registry = new Registry();
    let reads = 0;
    new EventMetrics(registry).watchOutbox(async () => {
      reads += 1;
      return { count: 3, oldestAgeSeconds: 42.5 };
    });
    const text = await registry.metrics();
    expect(text).toContain('fleet_outbox_unpublished 3');
    expect(text).toContain('fleet_outbox_oldest_unpublished_age_seconds 42.5');
    expect(reads).toBe(1);
  });

  it('shows NaN, not a failed scrape, when the outbox cannot be read', async () => {
    const registry = new Registry();
    new EventMetrics(registry).watchOutbox(() => Promise.reject(new Error('database down')));
    // prom-client writes "Nan"; Prometheus parses NaN in any case.
    expect(await registry.metrics()).toMatch(/fleet_outbox_unpublished nan/i);
  });
});

describe('splitPath', () => {
  it('splits a gRPC path into service and method', () => {
    expect(
      splitPath('/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources'),
    ).toEqual(['envoy.service.discovery.v3.AggregatedDiscoveryService', 'StreamAggregatedResources']);
  });
});

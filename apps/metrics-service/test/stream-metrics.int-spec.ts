import { status } from '@grpc/grpc-js';
import { pollUntil } from '@envoy-fleet/testing';
import { MetricsGrpcServer } from '../src/grpc/metrics-grpc.server';
import {
  counter,
  EnvoyMetricsStream,
  gauge,
  MetricsServiceFixture,
  sampleOf,
  startMetricsService,
} from './metrics-service.fixture';

// Real parts: PostgreSQL (a throw-away database), the in-process event bus, gRPC over loopback.
describe(MetricsGrpcServer.name, () => {
  let fleet: MetricsServiceFixture;
  const streams: EnvoyMetricsStream[] = [];
  /** A stream as `nodeId`, with that node's token unless another is given ('' for none). */
  const open = (nodeId: string | undefined, token = nodeId && fleet.tokenFor(nodeId)) => {
    const stream = new EnvoyMetricsStream(fleet.grpcAddress, nodeId, token || undefined);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    fleet = await startMetricsService({ METRICS_MAX_SERIES_PER_PROXY: '3', METRICS_STREAM_GRACE_MS: '300' });
  });

  afterEach(() => streams.splice(0).forEach((stream) => stream.close()));

  afterAll(async () => {
    await fleet.close();
  });

  it('shows a registered proxy’s stats on /metrics with its tenant and proxy labels', async () => {
    const { tenantId } = await fleet.registerProxy('acme', 'envoy-a');
    const stream = open('envoy-a');
    stream.send([counter('cluster.web.upstream_rq_total', 10), gauge('server.live', 1)]);
    stream.send([counter('cluster.web.upstream_rq_total', 25), gauge('server.live', 1)]);
    const labels = { tenant: tenantId, proxy: 'envoy-a' };
    const text = await pollUntil(
      () => fleet.scrape(),
      (t) => sampleOf(t, 'envoy_cluster_web_upstream_rq_total', labels) === 25,
    );
    expect(text).toContain('# TYPE envoy_cluster_web_upstream_rq_total counter');
    expect(text).toContain('# TYPE envoy_server_live gauge');
    expect(sampleOf(text, 'envoy_server_live', labels)).toBe(1);
    expect(sampleOf(text, 'fleet_proxies', { tenant: tenantId, state: 'connected' })).toBe(1);
  });

  it('drops a stat outside the allowlist and counts it', async () => {
    await fleet.registerProxy('acme', 'envoy-b');
    const before = sampleOf(await fleet.scrape(), 'fleet_metrics_dropped_total', {
      reason: 'not_allowlisted',
    });
    const stream = open('envoy-b');
    stream.send([counter('runtime.load_success', 3), gauge('server.live', 1)]);
    const text = await pollUntil(
      () => fleet.scrape(),
      (t) => sampleOf(t, 'envoy_server_live', { proxy: 'envoy-b' }) === 1,
    );
    expect(text).not.toContain('envoy_runtime_load_success');
    expect(sampleOf(text, 'fleet_metrics_dropped_total', { reason: 'not_allowlisted' })).toBe(
      (before ?? 0) + 1,
    );
  });

  it('cuts a stream that goes over the per-proxy series cap with RESOURCE_EXHAUSTED, and counts it', async () => {
    await fleet.registerProxy('acme', 'envoy-noisy');
    const stream = open('envoy-noisy');
    stream.send(['a', 'b', 'c', 'd'].map((cluster) => counter(`cluster.${cluster}.upstream_rq_total`, 1)));
    const error = await stream.ended;
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    const text = await fleet.scrape();
    expect(sampleOf(text, 'fleet_metrics_streams_refused_total', { reason: 'series_limit' })).toBe(1);
    expect(sampleOf(text, 'fleet_metrics_dropped_total', { reason: 'series_limit' })).toBe(1);
    expect(sampleOf(text, 'envoy_cluster_d_upstream_rq_total', { proxy: 'envoy-noisy' })).toBeUndefined();
  });

  it("refuses a stream without its proxy's token, or with another proxy's, and counts it", async () => {
    await fleet.registerProxy('acme', 'envoy-c');
    await fleet.registerProxy('globex', 'envoy-g');
    const tokenless = open('envoy-c', '');
    tokenless.send([gauge('server.live', 1)]);
    expect((await tokenless.ended)?.code).toBe(status.UNAUTHENTICATED);
    const borrowed = open('envoy-c', fleet.tokenFor('envoy-g'));
    borrowed.send([gauge('server.live', 1)]);
    expect((await borrowed.ended)?.code).toBe(status.PERMISSION_DENIED);
    const text = await fleet.scrape();
    expect(sampleOf(text, 'fleet_metrics_streams_refused_total', { reason: 'bad_token' })).toBe(2);
    expect(text).not.toContain('proxy="envoy-c"');
  });

  it('refuses an unknown node with PERMISSION_DENIED and a stream without a node with UNAUTHENTICATED', async () => {
    const unknown = open('not-registered');
    unknown.send([gauge('server.live', 1)]);
    expect((await unknown.ended)?.code).toBe(status.PERMISSION_DENIED);
    const anonymous = open(undefined);
    anonymous.send([gauge('server.live', 1)]);
    expect((await anonymous.ended)?.code).toBe(status.UNAUTHENTICATED);
    const text = await fleet.scrape();
    expect(sampleOf(text, 'fleet_metrics_streams_refused_total', { reason: 'unknown_node' })).toBe(1);
    expect(sampleOf(text, 'fleet_metrics_streams_refused_total', { reason: 'missing_identifier' })).toBe(1);
    expect(text).not.toContain('proxy="not-registered"');
  });

  it('forgets a proxy’s stats a grace period after its stream ended', async () => {
    await fleet.registerProxy('acme', 'envoy-leaving');
    const stream = open('envoy-leaving');
    stream.send([gauge('server.live', 1)]);
    await pollUntil(
      () => fleet.scrape(),
      (t) => sampleOf(t, 'envoy_server_live', { proxy: 'envoy-leaving' }) === 1,
    );
    expect(await stream.end()).toBeNull();
    await pollUntil(
      () => fleet.scrape(),
      (t) => sampleOf(t, 'envoy_server_live', { proxy: 'envoy-leaving' }) === undefined,
      { timeoutMs: 5000 },
    );
  });
});

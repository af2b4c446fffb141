import { pollUntil } from '@envoy-fleet/testing';
import { StreamMetricsHandler } from '../src/grpc/stream-metrics.handler';
import {
  counter,
  EnvoyMetricsStream,
  MetricsServiceFixture,
  sampleOf,
  startMetricsService,
} from './metrics-service.fixture';

// Real parts: PostgreSQL (a throw-away database), the in-process event bus, gRPC over loopback.
describe(StreamMetricsHandler.name, () => {
  let fleet: MetricsServiceFixture;
  const streams: EnvoyMetricsStream[] = [];

  beforeAll(async () => {
    fleet = await startMetricsService();
  });

  afterAll(async () => {
    streams.forEach((stream) => stream.close());
    await fleet.close();
  });

  it("keeps two tenants' proxies with the same node id apart: each stream's stats under its own tenant", async () => {
    // tokenFor gives the token of the node id's latest registration: take each right after it.
    const { tenantId: tenantX } = await fleet.registerProxy('shared-x', 'same-node');
    const tokenX = fleet.tokenFor('same-node');
    const { tenantId: tenantY } = await fleet.registerProxy('shared-y', 'same-node');
    const tokenY = fleet.tokenFor('same-node');
    const [inX, inY] = [tokenX, tokenY].map((token) => {
      const stream = new EnvoyMetricsStream(fleet.grpcAddress, 'same-node', token);
      streams.push(stream);
      return stream;
    });
    inX!.send([counter('cluster.web.upstream_rq_total', 11)]);
    inY!.send([counter('cluster.web.upstream_rq_total', 22)]);
    const name = 'envoy_cluster_web_upstream_rq_total';
    const text = await pollUntil(
      () => fleet.scrape(),
      (t) =>
        sampleOf(t, name, { tenant: tenantX, proxy: 'same-node' }) === 11 &&
        sampleOf(t, name, { tenant: tenantY, proxy: 'same-node' }) === 22,
    );
    expect(sampleOf(text, name, { tenant: tenantX, proxy: 'same-node' })).toBe(11);
    expect(sampleOf(text, name, { tenant: tenantY, proxy: 'same-node' })).toBe(22);
  });
});

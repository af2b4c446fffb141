import {
  GrpcJsXdsClient,
  pollUntil,
  shutdown,
  startTestBackend,
  type TestBackend,
  useXdsBootstrapForProcess,
  weightedBackendsConfig,
  xdsBootstrap,
} from '@envoy-fleet/testing';
import { renderTenantConfig, Snapshot } from '../src';
import { startAdsServer } from './ads-server';

// Real clients and processes: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const NODE_ID = 'grpc-js-node';

describe('ADS served to a real @grpc/grpc-js-xds client', () => {
  let ads: Awaited<ReturnType<typeof startAdsServer>>;
  let backendA: TestBackend;
  let backendB: TestBackend;
  let client: GrpcJsXdsClient;

  const setConfig = (weights: [number, number], lbPolicy: 'ROUND_ROBIN' | 'MAGLEV' = 'ROUND_ROBIN') => {
    const config = weightedBackendsConfig(
      'greeter',
      [
        { backend: backendA, weight: weights[0] },
        { backend: backendB, weight: weights[1] },
      ],
      lbPolicy,
    );
    const snapshot = Snapshot.create(renderTenantConfig(config));
    ads.cache.setSnapshot(NODE_ID, snapshot);
    return snapshot;
  };

  beforeAll(async () => {
    [ads, backendA, backendB] = await Promise.all([
      startAdsServer(),
      startTestBackend('a'),
      startTestBackend('b'),
    ]);
    useXdsBootstrapForProcess(xdsBootstrap(ads.uri, NODE_ID));
    client = new GrpcJsXdsClient('greeter');
  });

  afterAll(async () => {
    client.close();
    await Promise.all([shutdown(ads.server), backendA.stop(), backendB.stop()]);
  });

  it('(a) resolves xds:///greeter through our ADS and reaches backend A', async () => {
    const snapshot = setConfig([100, 0]);
    expect(
      await pollUntil(
        () => client.whoAnswers(),
        (name) => name === 'a',
      ),
    ).toBe('a');
    // The client ACKed what it was sent, for each type it asked for.
    await pollUntil(
      async () => ads.heard.acks.map((ack) => ack.type),
      (types) => ['listener', 'route', 'cluster', 'endpoint'].every((t) => types.includes(t as never)),
    );
    expect(ads.heard.acks.find((ack) => ack.type === 'cluster')?.version).toBe(
      snapshot.resources('cluster').version,
    );
    expect(ads.heard.nacks).toEqual([]);
  });

  it('(b) follows a new snapshot moving the weight to backend B without a restart', async () => {
    setConfig([0, 100]);
    await pollUntil(
      () => client.whoAnswers(),
      (name) => name === 'b',
    );
    for (let i = 0; i < 5; i++) expect(await client.whoAnswers()).toBe('b');
  });

  it('(c) reports the NACK of a config the client rejects, and the client keeps the last good one', async () => {
    const rejected = setConfig([0, 100], 'MAGLEV');
    const nack = await pollUntil(
      async () => ads.heard.nacks.find((n) => n.type === 'cluster'),
      (n) => n !== undefined,
    );
    expect(nack).toMatchObject({ nodeId: NODE_ID, version: rejected.resources('cluster').version });
    expect(nack!.errorDetail).toContain('MAGLEV');
    for (let i = 0; i < 5; i++) expect(await client.whoAnswers()).toBe('b');
  });
});

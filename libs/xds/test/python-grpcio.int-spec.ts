import {
  pollUntil,
  PythonXdsClient,
  shutdown,
  startTestBackend,
  type TestBackend,
  weightedBackendsConfig,
  xdsBootstrap,
} from '@envoy-fleet/testing';
import { renderTenantConfig, Snapshot } from '../src';
import { startAdsServer } from './ads-server';

// Real clients and processes: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const NODE_ID = 'python-node';

describe('ADS served to a real python3-grpcio (C-core) client', () => {
  let ads: Awaited<ReturnType<typeof startAdsServer>>;
  let backendA: TestBackend;
  let backendB: TestBackend;
  let client: PythonXdsClient;

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
    setConfig([100, 0]);
    client = await PythonXdsClient.start('greeter', xdsBootstrap(ads.uri, NODE_ID));
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all([shutdown(ads.server), backendA.stop(), backendB.stop()]);
  });

  it('reaches backend A, follows a move to B, and keeps B when it NACKs MAGLEV', async () => {
    expect(
      await pollUntil(
        () => client.whoAnswers(),
        (name) => name === 'a',
      ),
    ).toBe('a');

    setConfig([0, 100]);
    await pollUntil(
      () => client.whoAnswers(),
      (name) => name === 'b',
    );

    const rejected = setConfig([0, 100], 'MAGLEV');
    const nack = await pollUntil(
      async () => ads.heard.nacks.find((n) => n.type === 'cluster'),
      (n) => n !== undefined,
    );
    expect(nack).toMatchObject({ nodeId: NODE_ID, version: rejected.resources('cluster').version });
    expect(nack!.errorDetail).toContain('LB policy is not supported');
    for (let i = 0; i < 5; i++) expect(await client.whoAnswers()).toBe('b');
  });
});

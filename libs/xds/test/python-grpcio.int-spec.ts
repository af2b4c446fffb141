import { pollUntil, PythonXdsClient, xdsBootstrap } from '@envoy-fleet/testing';
import { startTwoBackendFixture } from './ads-server';

// Real clients and processes: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const NODE_ID = 'python-node';

describe('ADS served to a real python3-grpcio (C-core) client', () => {
  let fixture: Awaited<ReturnType<typeof startTwoBackendFixture>>;
  let client: PythonXdsClient;

  const setConfig = (weights: [number, number], lbPolicy?: 'ROUND_ROBIN' | 'MAGLEV') =>
    fixture.setConfig(weights, lbPolicy);

  beforeAll(async () => {
    fixture = await startTwoBackendFixture(NODE_ID);
    setConfig([100, 0]);
    client = await PythonXdsClient.start('greeter', xdsBootstrap(fixture.ads.uri, NODE_ID));
  });

  afterAll(async () => {
    await client?.close();
    await fixture.stop();
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
      async () => fixture.ads.heard.nacks.find((n) => n.type === 'cluster'),
      (n) => n !== undefined,
    );
    expect(nack).toMatchObject({ nodeId: NODE_ID, version: rejected.resources('cluster').version });
    expect(nack!.errorDetail).toContain('LB policy is not supported');
    for (let i = 0; i < 5; i++) expect(await client.whoAnswers()).toBe('b');
  });
});

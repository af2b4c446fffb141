import { GrpcJsXdsClient, pollUntil, useXdsBootstrapForProcess, xdsBootstrap } from '@envoy-fleet/testing';
import { startTwoBackendFixture } from './ads-server';

// Real clients and processes: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const NODE_ID = 'grpc-js-node';

describe('ADS served to a real @grpc/grpc-js-xds client', () => {
  let fixture: Awaited<ReturnType<typeof startTwoBackendFixture>>;
  let client: GrpcJsXdsClient;

  const setConfig = (weights: [number, number], lbPolicy?: 'ROUND_ROBIN' | 'MAGLEV') =>
    fixture.setConfig(weights, lbPolicy);

  beforeAll(async () => {
    fixture = await startTwoBackendFixture(NODE_ID);
    useXdsBootstrapForProcess(xdsBootstrap(fixture.ads.uri, NODE_ID));
    client = new GrpcJsXdsClient('greeter');
  });

  afterAll(async () => {
    client.close();
    await fixture.stop();
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
      async () => fixture.ads.heard.acks.map((ack) => ack.type),
      (types) => ['listener', 'route', 'cluster', 'endpoint'].every((t) => types.includes(t as never)),
    );
    expect(fixture.ads.heard.acks.find((ack) => ack.type === 'cluster')?.version).toBe(
      snapshot.resources('cluster').version,
    );
    expect(fixture.ads.heard.nacks).toEqual([]);
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
      async () => fixture.ads.heard.nacks.find((n) => n.type === 'cluster'),
      (n) => n !== undefined,
    );
    expect(nack).toMatchObject({ nodeId: NODE_ID, version: rejected.resources('cluster').version });
    expect(nack!.errorDetail).toContain('MAGLEV');
    for (let i = 0; i < 5; i++) expect(await client.whoAnswers()).toBe('b');
  });
});

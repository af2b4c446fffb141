import { status } from '@grpc/grpc-js';
import { RESOURCE_TYPE_URLS, tls } from '@envoy-fleet/envoy-api';
import { DomainError } from '@envoy-fleet/domain';
import { pollUntil, RawAdsStream, shutdown } from '@envoy-fleet/testing';
import { renderTenantConfig, Snapshot } from '../src';
import { startAdsServer } from './ads-server';

// Real clients and processes: allow for start-up; each wait inside has its own deadline.
jest.setTimeout(30_000);

const NODE_ID = 'envoy-1';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('ADS served to a raw stream (SDS and stream refusal)', () => {
  let ads: Awaited<ReturnType<typeof startAdsServer>>;
  const streams: RawAdsStream[] = [];
  const open = () => {
    const stream = new RawAdsStream(ads.uri);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    ads = await startAdsServer({
      onStreamNode: (_stream, node) => {
        if (node.id === 'stranger')
          throw new DomainError('PERMISSION_DENIED', `node '${node.id}' is not registered`);
      },
    });
    const config = {
      tenantId: 't',
      version: 1,
      clusters: [],
      listeners: [],
      routeConfigurations: [],
      secrets: [{ name: 'upstream-ca', type: 'VALIDATION_CONTEXT' as const, certificatePem: CA_PEM }],
    };
    ads.cache.setSnapshot(NODE_ID, Snapshot.create(renderTenantConfig(config)));
  });

  afterAll(async () => {
    streams.forEach((stream) => stream.close());
    await shutdown(ads.server);
  });

  it('sends a secret requested by name, and records the ACK', async () => {
    const stream = open();
    stream.send({
      node: { id: NODE_ID },
      typeUrl: RESOURCE_TYPE_URLS.secret,
      resourceNames: ['upstream-ca'],
    });
    const response = await stream.next();
    expect(response.typeUrl).toBe(RESOURCE_TYPE_URLS.secret);
    expect(response.nonce).not.toBe('');
    const secret = tls.Secret.decode(response.resources[0]!.value);
    expect(secret.name).toBe('upstream-ca');
    expect(secret.validationContext?.trustedCa?.inlineString).toBe(CA_PEM);

    stream.send({
      typeUrl: RESOURCE_TYPE_URLS.secret,
      resourceNames: ['upstream-ca'],
      versionInfo: response.versionInfo,
      responseNonce: response.nonce,
    });
    await pollUntil(
      async () => ads.heard.acks,
      (acks) => acks.some((a) => a.type === 'secret' && a.version === response.versionInfo),
    );
  });

  it('ends the stream with the mapped status when the callbacks refuse the node', async () => {
    const stream = open();
    stream.send({ node: { id: 'stranger' }, typeUrl: RESOURCE_TYPE_URLS.listener });
    const ended = await stream.ended();
    expect(ended.code).toBe(status.PERMISSION_DENIED);
    expect(ended.details).toBe("node 'stranger' is not registered");
  });
});

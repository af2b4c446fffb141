import { discovery } from '@envoy-fleet/envoy-api';
import { withNonce } from './response-encoding';

describe(withNonce.name, () => {
  const body = Buffer.from(
    discovery.DiscoveryResponse.encode(
      discovery.DiscoveryResponse.fromPartial({ versionInfo: 'v1', typeUrl: 'type.googleapis.com/x' }),
    ).finish(),
  );

  it('adds the nonce to the shared body, and gives streams with the same nonce one buffer', () => {
    const [a, b, c] = [withNonce(body, '7'), withNonce(body, '7'), withNonce(body, '8')];
    expect(discovery.DiscoveryResponse.decode(a)).toMatchObject({ versionInfo: 'v1', nonce: '7' });
    expect(discovery.DiscoveryResponse.decode(c).nonce).toBe('8');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

import { signProxyToken, verifyProxyToken } from './proxy-token';

const claims = { proxyId: 'p-1', tenantId: 't-1', nodeId: 'edge-1', generation: 2 };

describe('proxy tokens', () => {
  it('verify with the key they were signed with, giving back their claims', () => {
    expect(verifyProxyToken(signProxyToken(claims, 'key-a'), 'key-a')).toEqual(claims);
  });

  it('are refused with another key', () => {
    expect(verifyProxyToken(signProxyToken(claims, 'key-a'), 'key-b')).toBeNull();
  });

  it('are refused when the claims are edited', () => {
    const [prefix, , signature] = signProxyToken(claims, 'key-a').split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'p-1', t: 't-2', n: 'edge-1', g: 2 })).toString(
      'base64url',
    );
    expect(verifyProxyToken(`${prefix}.${forged}.${signature}`, 'key-a')).toBeNull();
  });

  it('are refused when malformed', () => {
    for (const token of ['', 'fpt', 'fpt..', 'Bearer x', 'fpt.a.b.c', 'xyz.a.b']) {
      expect(verifyProxyToken(token, 'key-a')).toBeNull();
    }
  });
});

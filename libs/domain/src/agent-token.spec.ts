import { signAgentToken, verifyAgentToken } from './agent-token';
import { signProxyToken } from './proxy-token';

describe('agent tokens', () => {
  const claims = { vmId: 'vm-1', tenantId: 't-1', generation: 3 };

  it('verifies what it signed, with the same key only', () => {
    const token = signAgentToken(claims, 'key-a');
    expect(verifyAgentToken(token, 'key-a')).toEqual(claims);
    expect(verifyAgentToken(token, 'key-b')).toBeNull();
  });

  it('refuses tampered tokens and proxy tokens', () => {
    const token = signAgentToken(claims, 'key-a');
    const [prefix, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 'vm-2', t: 't-1', g: 3 })).toString('base64url');
    expect(verifyAgentToken(`${prefix}.${forged}.${signature}`, 'key-a')).toBeNull();
    const proxyToken = signProxyToken({ proxyId: 'p', tenantId: 't-1', nodeId: 'n', generation: 1 }, 'key-a');
    expect(verifyAgentToken(proxyToken, 'key-a')).toBeNull();
  });
});

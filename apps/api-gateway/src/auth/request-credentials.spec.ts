import { DomainError } from '@envoy-fleet/domain';
import { credentialOf } from './request-credentials';

const KEY = 'fleet_0123456789ab_abcdefghijklmnopqrstuvwxyz012345';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';

describe('credentialOf', () => {
  function refusal(headers: Record<string, string | string[]>): string {
    try {
      credentialOf(headers);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('UNAUTHENTICATED');
      return (error as DomainError).message;
    }
    throw new Error('the credential was accepted');
  }

  it('tells an API key from a token by its format, in either header', () => {
    expect(credentialOf({ authorization: `Bearer ${JWT}` })).toEqual({ kind: 'token', value: JWT });
    expect(credentialOf({ authorization: `bearer ${KEY}` })).toEqual({ kind: 'api-key', value: KEY });
    expect(credentialOf({ 'x-api-key': ` ${KEY} ` })).toEqual({ kind: 'api-key', value: KEY });
    // Well-formed or not, a `fleet_` credential goes to the key check, which names what is wrong.
    expect(credentialOf({ authorization: 'Bearer fleet_short' })).toEqual({
      kind: 'api-key',
      value: 'fleet_short',
    });
    expect(credentialOf({})).toBeUndefined();
  });

  it('refuses two credentials, a token as X-Api-Key, and other schemes', () => {
    expect(refusal({ authorization: `Bearer ${KEY}`, 'x-api-key': KEY })).toBe(
      'authentication failed: send either Authorization or X-Api-Key, not both',
    );
    expect(refusal({ 'x-api-key': JWT })).toMatch(/^authentication failed: X-Api-Key takes one API key/);
    expect(refusal({ 'x-api-key': [KEY, KEY] })).toMatch(/X-Api-Key takes one API key/);
    expect(refusal({ authorization: `Basic ${KEY}` })).toBe(
      'authentication failed: Authorization takes "Bearer <token or API key>"',
    );
  });
});

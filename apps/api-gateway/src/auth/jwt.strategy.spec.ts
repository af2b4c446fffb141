import { DomainError } from '@envoy-fleet/domain';
import { sign } from 'jsonwebtoken';
import { JwtKeys } from './jwt-keys';
import { JwtStrategy } from './jwt.strategy';

const keys: JwtKeys = {
  algorithm: 'HS256',
  signingKey: 'spec-secret',
  verifyingKey: 'spec-secret',
  issuer: 'envoy-fleet',
  audience: 'envoy-fleet-api',
  ttlSeconds: 60,
};
const claims = { sub: 'user-1', tenant: 'tenant-1', roles: ['viewer'] };
const tokenOf = (payload: object, secret = keys.signingKey, expiresIn = 60) =>
  sign(payload, secret, { algorithm: 'HS256', issuer: keys.issuer, audience: keys.audience, expiresIn });

describe(JwtStrategy.name, () => {
  afterEach(() => jest.useRealTimers());

  function failure(strategy: JwtStrategy, token: string | undefined): string {
    try {
      strategy.authenticate(token);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return (error as DomainError).message;
    }
    throw new Error('the token was accepted');
  }

  it('turns a valid token into its principal, the same on every request', () => {
    const strategy = new JwtStrategy(keys);
    const token = tokenOf(claims);
    const principal = strategy.authenticate(token);
    expect(principal).toEqual({ subject: 'user-1', tenantId: 'tenant-1', roles: ['viewer'] });
    expect(strategy.authenticate(token)).toBe(principal);
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it('refuses a remembered token once it has expired', () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const strategy = new JwtStrategy(keys);
    const token = tokenOf(claims, keys.signingKey, 10);
    expect(strategy.authenticate(token).subject).toBe('user-1');
    jest.setSystemTime(new Date('2026-01-01T00:00:09.999Z'));
    expect(strategy.authenticate(token).subject).toBe('user-1');
    jest.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    expect(failure(strategy, token)).toBe('authentication failed: jwt expired');
  });

  it('refuses a missing token, a forged one, another audience and one without roles', () => {
    const strategy = new JwtStrategy(keys);
    expect(failure(strategy, undefined)).toBe('authentication failed: No auth token');
    expect(failure(strategy, tokenOf(claims, 'another-secret'))).toBe(
      'authentication failed: invalid signature',
    );
    const elsewhere = sign(claims, keys.signingKey, {
      issuer: keys.issuer,
      audience: 'other',
      expiresIn: 60,
    });
    expect(failure(strategy, elsewhere)).toMatch(/^authentication failed: jwt audience invalid/);
    expect(failure(strategy, tokenOf({ sub: 'user-1', tenant: 'tenant-1', roles: ['root'] }))).toBe(
      'token lacks sub, tenant or roles',
    );
  });
});

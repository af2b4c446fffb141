import { DomainError, Principal, ROLES, Role } from '@envoy-fleet/domain';
import { Inject, Injectable } from '@nestjs/common';
import { verify } from 'jsonwebtoken';
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { JWT_KEYS, JwtKeys } from './jwt-keys';

/** The claims our tokens carry. */
export interface FleetClaims {
  sub: string;
  tenant: string;
  roles: Role[];
}

/** Tokens verified lately, at most this many; past it the memo starts again (a burst of new callers). */
const MEMO_LIMIT = 10_000;

/** The token of `Authorization: Bearer <token>` (the scheme in any case), if that is what was sent. */
export function bearerToken(header: unknown): string | undefined {
  return typeof header === 'string' ? /^\s*bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** The verifier the guards use (one per process, like passport's strategy registry it replaces). */
const registry: { active?: JwtStrategy } = {};

/** The process's token verifier; throws when AuthModule has not made one. */
export function activeJwtStrategy(): JwtStrategy {
  if (!registry.active) throw new Error('no JwtStrategy: AuthModule is not loaded');
  return registry.active;
}

/**
 * Verifies a bearer token's signature, issuer, audience and expiry, and turns its claims into a
 * Principal. The key is parsed once (jsonwebtoken given a string secret tries it as a PEM public
 * key first, on every call), and a verified token is remembered until it expires, so a caller's
 * next requests skip the HMAC/RSA check: a token cannot change, only expire.
 */
@Injectable()
export class JwtStrategy {
  private readonly key: KeyObject;
  private readonly memo = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(@Inject(JWT_KEYS) private readonly keys: JwtKeys) {
    this.key =
      keys.algorithm === 'HS256'
        ? createSecretKey(Buffer.from(keys.verifyingKey, 'utf8'))
        : createPublicKey(keys.verifyingKey);
    registry.active = this;
  }

  /** How long a token issued now lives (also how long an event stream opened with an API key lasts). */
  get tokenTtlSeconds(): number {
    return this.keys.ttlSeconds;
  }

  /**
   * The principal of a valid token; a DomainError (UNAUTHENTICATED) naming what is wrong with any
   * other (the messages jsonwebtoken gives: `jwt expired`, `invalid signature`, ...).
   */
  authenticate(token: string | undefined): Principal {
    if (!token) throw unauthenticated('No auth token');
    const remembered = this.memo.get(token);
    if (remembered) {
      if (Date.now() < remembered.expiresAtMs) return remembered.principal;
      this.memo.delete(token);
    }
    let claims: Partial<FleetClaims> & { exp?: number };
    try {
      claims = verify(token, this.key, {
        algorithms: [this.keys.algorithm],
        issuer: this.keys.issuer,
        audience: this.keys.audience,
      }) as Partial<FleetClaims> & { exp?: number };
    } catch (error) {
      throw unauthenticated(error instanceof Error ? error.message : String(error));
    }
    const principal = this.validate(claims);
    // jsonwebtoken refuses a token once floor(now / 1000) >= exp; tokens without exp are not kept.
    if (typeof claims.exp === 'number') {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(token, { principal, expiresAtMs: claims.exp * 1000 });
    }
    return principal;
  }

  validate(claims: Partial<FleetClaims>): Principal {
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((role) => ROLES.includes(role)) : [];
    if (!claims.sub || !claims.tenant || roles.length === 0) {
      throw new DomainError('UNAUTHENTICATED', 'token lacks sub, tenant or roles');
    }
    // Shared by every request bearing the token: nobody may change it.
    return Object.freeze({
      subject: claims.sub,
      tenantId: claims.tenant,
      roles: Object.freeze(roles) as Role[],
    });
  }
}

function unauthenticated(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', `authentication failed: ${reason}`);
}

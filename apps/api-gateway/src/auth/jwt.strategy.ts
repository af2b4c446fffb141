import { DomainError, Principal, ROLES, Role } from '@envoy-fleet/domain';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { JWT_KEYS, JwtKeys } from './jwt-keys';

/** The claims our tokens carry. */
export interface FleetClaims {
  sub: string;
  tenant: string;
  roles: Role[];
}

/** Verifies the bearer token's signature, issuer, audience and expiry, and turns its claims into a Principal. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_KEYS) keys: JwtKeys) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: keys.verifyingKey,
      algorithms: [keys.algorithm],
      issuer: keys.issuer,
      audience: keys.audience,
    });
  }

  validate(claims: Partial<FleetClaims>): Principal {
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((role) => ROLES.includes(role)) : [];
    if (!claims.sub || !claims.tenant || roles.length === 0) {
      throw new DomainError('UNAUTHENTICATED', 'token lacks sub, tenant or roles');
    }
    return { subject: claims.sub, tenantId: claims.tenant, roles };
  }
}

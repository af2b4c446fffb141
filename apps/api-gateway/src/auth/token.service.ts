import { Principal } from '@envoy-fleet/domain';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { FleetClaims } from './jwt.strategy';
import { JWT_KEYS, JwtKeys } from './jwt-keys';

/** A bearer token as `POST /v1/auth/token` answers it. */
export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Signs tokens for principals the API has authenticated. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(JWT_KEYS) private readonly keys: JwtKeys,
  ) {}

  /** A token for `principal`, valid for the configured lifetime but never past `notAfter`. */
  async issue(principal: Principal, notAfter?: Date): Promise<IssuedToken> {
    const untilLimit = notAfter ? Math.floor((notAfter.getTime() - Date.now()) / 1000) : Infinity;
    const expiresIn = Math.max(1, Math.min(this.keys.ttlSeconds, untilLimit));
    const claims: FleetClaims = {
      sub: principal.subject,
      tenant: principal.tenantId,
      roles: principal.roles,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: this.keys.algorithm,
      privateKey: this.keys.signingKey,
      secret: this.keys.signingKey,
      issuer: this.keys.issuer,
      audience: this.keys.audience,
      expiresIn,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}

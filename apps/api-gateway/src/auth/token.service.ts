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

  async issue(principal: Principal): Promise<IssuedToken> {
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
      expiresIn: this.keys.ttlSeconds,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.keys.ttlSeconds };
  }
}

import { Logger } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import { randomSecret } from './password';

/** How tokens are signed and verified, resolved once from config. */
export interface JwtKeys {
  algorithm: 'HS256' | 'RS256';
  signingKey: string;
  verifyingKey: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export function resolveJwtKeys(config: ApiConfig): JwtKeys {
  const common = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  };
  if (config.JWT_ALGORITHM === 'RS256') {
    if (!config.JWT_PUBLIC_KEY) throw new Error('JWT_PUBLIC_KEY is required when JWT_ALGORITHM=RS256');
    return {
      algorithm: 'RS256',
      signingKey: config.JWT_PRIVATE_KEY,
      verifyingKey: config.JWT_PUBLIC_KEY,
      ...common,
    };
  }
  let secret = config.JWT_SECRET;
  if (!secret) {
    secret = randomSecret(32);
    new Logger('Auth').warn(
      'JWT_SECRET is not set: using a random one; tokens stop working when this process stops',
    );
  }
  return { algorithm: 'HS256', signingKey: secret, verifyingKey: secret, ...common };
}

export const JWT_KEYS = Symbol('JWT_KEYS');

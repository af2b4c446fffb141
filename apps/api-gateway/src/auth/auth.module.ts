import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ApiConfig } from '../api-config';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { ApiKeyRevocations } from './api-key-revocations';
import { ApiKeyVerifier } from './api-key-verifier';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JWT_KEYS, resolveJwtKeys } from './jwt-keys';
import { JwtStrategy } from './jwt.strategy';
import { LoginLimiter } from './login-limiter';
import { TokenService } from './token.service';

/** Bearer tokens: issuing them (`POST /v1/auth/token`), verifying them and API keys, and the first admin. */
@Module({
  imports: [JwtModule.register({})],
  controllers: [AuthController],
  providers: [
    { provide: JWT_KEYS, useFactory: resolveJwtKeys, inject: [ApiConfig] },
    JwtStrategy,
    ApiKeyVerifier,
    ApiKeyRevocations,
    TokenService,
    AuthService,
    LoginLimiter,
    AdminBootstrapService,
  ],
})
export class AuthModule {}

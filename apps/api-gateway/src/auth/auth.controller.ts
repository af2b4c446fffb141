import { DomainError } from '@envoy-fleet/domain';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { parseApiKey } from '../api-keys/api-key-format';
import { AuthService } from './auth.service';
import { TokenRequestDto } from './dto/token.dto';
import { LoginLimiter } from './login-limiter';
import { IssuedToken } from './token.service';

/** `POST /v1/auth/token`: email and password, or an API key, for a bearer token. */
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: LoginLimiter,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(@Body() dto: TokenRequestDto): Promise<IssuedToken> {
    if (dto.apiKey !== undefined) {
      if (dto.email !== undefined || dto.password !== undefined) {
        throw DomainError.invalid('apiKey', 'send either apiKey or email and password, not both');
      }
      await this.limiter.attempt(`key:${parseApiKey(dto.apiKey)?.prefix ?? 'malformed'}`);
      return this.auth.withApiKey(dto.apiKey);
    }
    if (dto.email === undefined) throw DomainError.invalid('email', 'is required (or send apiKey)');
    if (dto.password === undefined) throw DomainError.invalid('password', 'is required with email');
    await this.limiter.attempt(`email:${dto.email.toLowerCase()}`);
    return this.auth.withPassword(dto.email, dto.password);
  }
}

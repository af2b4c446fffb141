import { Database, UserRepository } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { ApiKeyVerifier } from './api-key-verifier';
import { verifyPassword } from './password';
import { IssuedToken, TokenService } from './token.service';

const BAD_CREDENTIALS = 'invalid email or password';

/** Exchanges credentials or an API key for a token. */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly users: UserRepository,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly tokens: TokenService,
  ) {}

  async withPassword(email: string, password: string): Promise<IssuedToken> {
    // Looking up by email spans tenants: nobody's tenant is known before login.
    const user = await this.db.asSystem((tx) => this.users.findByEmail(tx, email.toLowerCase()));
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new DomainError('UNAUTHENTICATED', BAD_CREDENTIALS);
    }
    return this.tokens.issue({ subject: `user:${user.id}`, tenantId: user.tenantId, roles: user.roles });
  }

  /** The same check as a key sent directly on a request, without its short memo. */
  async withApiKey(key: string): Promise<IssuedToken> {
    const { principal, expiresAt } = await this.apiKeys.verify(key);
    return this.tokens.issue(principal, expiresAt);
  }
}

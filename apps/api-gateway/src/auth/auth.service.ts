import { ApiKeyRepository, Database, UserRepository } from '@envoy-fleet/data-access';
import { DomainError, Principal } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { hashSecret, parseApiKey } from '../api-keys/api-key-format';
import { verifyPassword } from './password';
import { IssuedToken, TokenService } from './token.service';

const BAD_CREDENTIALS = 'invalid email or password';
const BAD_KEY = 'invalid or revoked API key';

/** Exchanges credentials or an API key for a token. */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly users: UserRepository,
    private readonly apiKeys: ApiKeyRepository,
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

  async withApiKey(key: string): Promise<IssuedToken> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new DomainError('UNAUTHENTICATED', BAD_KEY);
    const principal = await this.db.asSystem(async (tx): Promise<Principal | null> => {
      const record = await this.apiKeys.findByPrefix(tx, parsed.prefix);
      if (!record || record.revokedAt || !sameHash(record.secretHash, hashSecret(parsed.secret))) return null;
      await this.apiKeys.touch(tx, record.id);
      return { subject: `api-key:${record.id}`, tenantId: record.tenantId, roles: record.roles };
    });
    if (!principal) throw new DomainError('UNAUTHENTICATED', BAD_KEY);
    return this.tokens.issue(principal);
  }
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

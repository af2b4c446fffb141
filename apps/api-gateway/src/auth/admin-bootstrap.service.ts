import { Database, TenantRepository, UserRepository } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import { hashPassword, randomSecret } from './password';

/** The tenant the platform admins belong to. */
export const PLATFORM_TENANT = 'platform';

/** Creates the first platform admin from config, once; prints a generated password if none was given. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly config: ApiConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.ADMIN_EMAIL.toLowerCase();
    const password = this.config.ADMIN_PASSWORD || randomSecret(18);
    const created = await this.createIfMissing(email, password).catch((error: unknown) => {
      // Another replica booting at the same moment created it first.
      if (error instanceof DomainError && error.code === 'ALREADY_EXISTS') return false;
      throw error;
    });
    if (!created) {
      this.logger.log(`platform admin ${email} exists (its password is not shown again)`);
      return;
    }
    if (this.config.ADMIN_PASSWORD) this.logger.log(`created platform admin ${email}`);
    else
      this.logger.log(
        `created platform admin ${email} with password ${password} (shown once; set ADMIN_PASSWORD to choose it)`,
      );
  }

  private createIfMissing(email: string, password: string): Promise<boolean> {
    return this.db.asSystem(async (tx) => {
      if (await this.users.findByEmail(tx, email)) return false;
      const tenant =
        (await this.tenants.findByName(tx, PLATFORM_TENANT)) ??
        (await this.tenants.create(tx, PLATFORM_TENANT));
      const passwordHash = await hashPassword(password);
      await this.users.create(tx, { tenantId: tenant.id, email, passwordHash, roles: ['admin'] });
      return true;
    });
  }
}

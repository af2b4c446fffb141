import { Database, FleetKeyRepository, secretsEncryptionKey } from '@envoy-fleet/data-access';
import { SecretBox } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { ApiConfig } from '../api-config';

/**
 * Seals and opens what the API keeps secret at rest (TLS private keys, webhook secrets) with
 * AES-256-GCM under SECRETS_ENCRYPTION_KEY, or the key kept in the database when it is unset.
 * xds-server opens TLS keys with the same key (TenantConfigReader).
 */
@Injectable()
export class SecretSealer {
  private box?: Promise<SecretBox>;

  constructor(
    private readonly config: ApiConfig,
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
  ) {}

  async seal(plain: string): Promise<string> {
    return (await this.secretBox()).seal(plain);
  }

  async open(sealed: string): Promise<string> {
    return (await this.secretBox()).open(sealed);
  }

  private secretBox(): Promise<SecretBox> {
    this.box ??= secretsEncryptionKey(this.db, this.keys, this.config.SECRETS_ENCRYPTION_KEY).then(
      (key) => new SecretBox(key),
    );
    return this.box;
  }
}

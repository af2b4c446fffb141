import { Database, FleetKeyRepository, secretsEncryptionKey } from '@envoy-fleet/data-access';
import { SecretBox } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { WebhookConfig } from '../webhook-config';

/** Opens the secrets api-gateway sealed, with the same key (SECRETS_ENCRYPTION_KEY or the stored one). */
@Injectable()
export class WebhookSecrets {
  private box?: Promise<SecretBox>;

  constructor(
    private readonly config: WebhookConfig,
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
  ) {}

  async open(sealed: string): Promise<string> {
    this.box ??= secretsEncryptionKey(this.db, this.keys, this.config.SECRETS_ENCRYPTION_KEY).then(
      (key) => new SecretBox(key),
    );
    return (await this.box).open(sealed);
  }
}

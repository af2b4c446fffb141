import { Injectable } from '@nestjs/common';
import { SecretSealer } from '../secrets/secret-sealer';

/** Seals and opens webhook secrets: the API's one SecretSealer, under the name webhooks inject. */
@Injectable()
export class WebhookSecretsService extends SecretSealer {}

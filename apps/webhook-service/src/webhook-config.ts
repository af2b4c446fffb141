import { CommonConfig } from '@envoy-fleet/config';
import { IsString } from 'class-validator';

/** webhook-service settings, from the environment. */
export class WebhookConfig extends CommonConfig {
  override HTTP_PORT = 3002;

  /** NATS with JetStream, e.g. nats://127.0.0.1:4222. Empty: the in-process event bus. */
  @IsString()
  NATS_URL = '';
}

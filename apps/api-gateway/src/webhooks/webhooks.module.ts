import { Module } from '@nestjs/common';
import { WebhookSecretsService } from './webhook-secrets.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Webhook subscriptions and their delivery log; webhook-service does the delivering. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookSecretsService],
  exports: [WebhookSecretsService],
})
export class WebhooksModule {}

import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { GithubHooksController } from './github-hooks.controller';
import { GithubHooksService } from './github-hooks.service';
import { RawBodyCapture } from './raw-body.capture';

/** Webhooks other systems send to the fleet (GitHub pushes, for GitOps). */
@Module({
  imports: [WebhooksModule],
  controllers: [GithubHooksController],
  providers: [GithubHooksService, RawBodyCapture],
})
export class HooksModule {}

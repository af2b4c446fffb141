import { DomainError } from '@envoy-fleet/domain';
import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GithubHooksService } from './github-hooks.service';
import { rawBodyOf } from './raw-body.capture';

/** `POST /v1/hooks/github`: GitHub's webhook deliveries, authenticated by X-Hub-Signature-256. */
@Controller('v1/hooks/github')
export class GithubHooksController {
  constructor(private readonly hooks: GithubHooksService) {}

  @Post()
  @HttpCode(202)
  async receive(
    @Req() request: FastifyRequest,
    @Headers('x-github-event') event: string | undefined,
    @Headers('x-hub-signature-256') signature: string | undefined,
    @Body() body: Record<string, unknown>,
  ): Promise<{ accepted: boolean; event: string }> {
    const raw = rawBodyOf(request);
    if (!signature || !raw) throw new DomainError('UNAUTHENTICATED', 'X-Hub-Signature-256 is missing');
    if (event !== 'push') return { accepted: false, event: event ?? '' };
    await this.hooks.push(raw, signature, body);
    return { accepted: true, event };
  }
}

import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EventStreams } from './event-streams.service';
import { EventsController } from './events.controller';
import { acceptAccessTokenParam } from './stream-auth';
import { TenantEventHub } from './tenant-event-hub';
import { WebSocketEvents } from './websocket-events';

/** Lets `GET /v1/events` (SSE) take its token as `?access_token=`, before the guard runs. */
@Injectable()
class AccessTokenParamHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Callback style: every request passes here, and an async hook costs a promise each time.
    fastify.addHook('onRequest', (request, _reply, done) => {
      acceptAccessTokenParam(request.headers, request.url);
      done();
    });
  }
}

/** Live events at `/v1/events` (SSE and WebSocket), and the per-replica hub that feeds them. */
@Global()
@Module({
  controllers: [EventsController],
  providers: [TenantEventHub, EventStreams, WebSocketEvents, AccessTokenParamHook],
  exports: [TenantEventHub],
})
export class EventsModule {}

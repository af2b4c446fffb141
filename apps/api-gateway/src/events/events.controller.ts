import { Principal } from '@envoy-fleet/domain';
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated, CurrentPrincipal } from '../auth/guards';
import { EventStreams } from './event-streams.service';
import { SseStream } from './sse-stream';
import { tokenExpiresAt } from './stream-auth';

/**
 * `GET /v1/events`: the caller's tenant's config changes and proxy status changes, live, as
 * Server-Sent Events (a WebSocket upgrade on the same path is served by WebSocketEvents).
 */
@Controller('v1/events')
@Authenticated()
export class EventsController {
  constructor(private readonly streams: EventStreams) {}

  @Get()
  stream(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const lastEventId = lastEventIdOf(request);
    // The stream outlives the handler: Fastify lets go of the reply, headers set so far (request
    // id, CORS, rate limit) are sent with the stream's own.
    reply.hijack();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value);
    }
    const stream = new SseStream(principal.tenantId, reply.raw, headers);
    this.streams.serve(stream, {
      ...(lastEventId ? { lastEventId } : {}),
      ...optional('expiresAt', tokenExpiresAt(request.headers)),
    });
  }
}

/** Last-Event-ID as EventSource sends it on reconnecting, or `?last_event_id=` on a first connect. */
export function lastEventIdOf(request: {
  headers: FastifyRequest['headers'];
  url: string;
}): string | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header;
  return new URL(request.url, 'http://localhost').searchParams.get('last_event_id') ?? undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

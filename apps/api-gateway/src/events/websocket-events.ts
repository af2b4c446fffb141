import { DomainError } from '@envoy-fleet/domain';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { httpStatusOf, problemType } from '../common/problem-details';
import { TenantRequestRate } from '../quotas/tenant-request-rate';
import { lastEventIdOf } from './events.controller';
import { EventStreams } from './event-streams.service';
import { acceptAccessTokenParam, authenticateUpgrade, EVENTS_PATH, tokenExpiresAt } from './stream-auth';
import { WebSocketStream } from './websocket-stream';

/**
 * `/v1/events` over WebSocket. Upgrades never reach Nest's router, so this answers the HTTP
 * server's `upgrade` event: the same guard authenticates the request (bearer header or
 * `?access_token=`), and a refusal is a problem+json response before any upgrade.
 */
@Injectable()
export class WebSocketEvents implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebSocketEvents.name);
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private httpServer: Server | undefined;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    void this.upgrade(request, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly streams: EventStreams,
    private readonly rate: TenantRequestRate,
  ) {}

  onModuleInit(): void {
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.httpServer.on('upgrade', this.onUpgrade);
  }

  onModuleDestroy(): void {
    this.httpServer?.off('upgrade', this.onUpgrade);
    this.server.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = request.url ?? '/';
    if (new URL(url, 'http://localhost').pathname !== EVENTS_PATH) {
      // Another upgrade handler may serve this path; without one, nobody answers it.
      if (this.httpServer?.listenerCount('upgrade') === 1)
        refuse(socket, new DomainError('NOT_FOUND', `no WebSocket at ${url}`), url);
      return;
    }
    socket.on('error', () => socket.destroy());
    acceptAccessTokenParam(request.headers, url);
    let principal;
    try {
      principal = await authenticateUpgrade(request);
      await this.rate.count(principal.tenantId);
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error('WebSocket authentication failed', error);
      refuse(socket, error instanceof DomainError ? error : new DomainError('UNAVAILABLE', 'try again'), url);
      return;
    }
    const lastEventId = lastEventIdOf({ headers: request.headers, url });
    const expiresAt = tokenExpiresAt(request.headers);
    this.server.handleUpgrade(request, socket, head, (socket) => {
      this.streams.serve(new WebSocketStream(principal.tenantId, socket), {
        ...(lastEventId ? { lastEventId } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
    });
  }
}

/** Answers an upgrade request with a problem+json error and closes the connection. */
function refuse(socket: Duplex, error: DomainError, instance: string): void {
  const status = httpStatusOf(error.code);
  const retryAfter =
    error.retryAfterSeconds === undefined ? '' : `Retry-After: ${error.retryAfterSeconds}\r\n`;
  const body = JSON.stringify({
    type: problemType(error.code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: error.message,
    code: error.code,
    instance,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\n${retryAfter}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

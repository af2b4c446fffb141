import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import { EventStream } from './event-stream';
import { TenantEventHub } from './tenant-event-hub';

/** A client that lets this much pile up unread is cut off; it may resume with its last event id. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/**
 * Runs `/v1/events` connections: subscribes each to its own tenant's events only, resumes after
 * a Last-Event-ID when this replica still has the events after it (else says `resync`), sends
 * heartbeats, cuts off clients that fall too far behind, and ends streams when their token
 * expires or the app stops.
 */
@Injectable()
export class EventStreams implements OnModuleDestroy {
  private readonly open = new Set<EventStream>();
  private readonly heartbeatMs: number;

  constructor(
    private readonly hub: TenantEventHub,
    config: ApiConfig,
  ) {
    this.heartbeatMs = config.EVENTS_HEARTBEAT_MS;
  }

  /** Streams the tenant's events to `stream` until either side closes it. */
  serve(stream: EventStream, options: { lastEventId?: string; expiresAt?: number }): void {
    const send = (event: Parameters<EventStream['send']>[0]) => {
      stream.send(event);
      if (stream.backlog() > MAX_BACKLOG_BYTES) stream.close('the client reads too slowly');
    };
    // Listening and replaying happen in one synchronous step: no event can fall between them.
    const stopListening = this.hub.listen(stream.tenantId, send);
    stream.ready();
    if (options.lastEventId) {
      const missed = this.hub.since(stream.tenantId, options.lastEventId);
      if (missed) missed.forEach(send);
      else stream.resync(`event ${options.lastEventId} is not kept here any more`);
    }
    const heartbeat = setInterval(() => stream.heartbeat(), this.heartbeatMs);
    const expiry =
      options.expiresAt === undefined
        ? undefined
        : setTimeout(
            () => stream.close('the access token expired'),
            Math.max(0, options.expiresAt - Date.now()),
          );
    this.open.add(stream);
    stream.onClose(() => {
      stopListening();
      clearInterval(heartbeat);
      clearTimeout(expiry);
      this.open.delete(stream);
    });
  }

  /** Open streams on this replica. */
  get count(): number {
    return this.open.size;
  }

  onModuleDestroy(): void {
    // Open streams would hold the HTTP server's close forever.
    for (const stream of [...this.open]) stream.close('the server is shutting down');
  }
}

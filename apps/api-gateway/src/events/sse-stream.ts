import type { ServerResponse } from 'node:http';
import { EventStream } from './event-stream';
import type { TenantEvent } from './tenant-event-hub';

/** How long an EventSource waits before reconnecting after the stream ends. */
const RECONNECT_MS = 3000;

/**
 * `/v1/events` as Server-Sent Events: `id:` is the event's message id (EventSource sends it back
 * as Last-Event-ID when it reconnects), `event:` its type, `data:` its JSON payload.
 */
export class SseStream implements EventStream {
  private closed = false;

  constructor(
    readonly tenantId: string,
    private readonly response: ServerResponse,
    headers: Record<string, string>,
  ) {
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells NGINX in front not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RECONNECT_MS}\n\n`);
  }

  send(event: TenantEvent): void {
    this.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }

  resync(reason: string): void {
    this.write(`event: resync\ndata: ${JSON.stringify({ reason })}\n\n`);
  }

  ready(): void {
    this.write(`event: ready\ndata: ${JSON.stringify({ tenantId: this.tenantId })}\n\n`);
  }

  heartbeat(): void {
    this.write(': heartbeat\n\n');
  }

  backlog(): number {
    return this.response.writableLength;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.write(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.closed = true;
    this.response.end();
  }

  onClose(callback: () => void): void {
    if (this.response.destroyed || this.response.writableEnded) callback();
    else this.response.once('close', callback);
  }

  private write(text: string): void {
    if (!this.closed && !this.response.destroyed) this.response.write(text);
  }
}

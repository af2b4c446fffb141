import type { WebSocket } from 'ws';
import { EventStream } from './event-stream';
import type { TenantEvent } from './tenant-event-hub';

/** Close codes (RFC 6455): 1001 going away, 1008 policy (token expired), 1013 try again later. */
const CLOSE_CODES: Record<string, number> = {
  'the server is shutting down': 1001,
  'the access token expired': 1008,
  'the client reads too slowly': 1013,
};

/**
 * `/v1/events` over WebSocket: one JSON text message per event, `{id, type, data}`, plus
 * `{type: "ready"}` and `{type: "resync"}`. Heartbeats are ping frames; a client that has not
 * answered the previous ping by the next one is dropped.
 */
export class WebSocketStream implements EventStream {
  private alive = true;

  constructor(
    readonly tenantId: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('pong', () => (this.alive = true));
    // Clients only listen; anything they send is ignored.
    socket.on('message', () => undefined);
    socket.on('error', () => socket.terminate());
  }

  send(event: TenantEvent): void {
    this.write({ id: event.id, type: event.type, data: event.data });
  }

  resync(reason: string): void {
    this.write({ type: 'resync', data: { reason } });
  }

  ready(): void {
    this.write({ type: 'ready', data: { tenantId: this.tenantId } });
  }

  heartbeat(): void {
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  backlog(): number {
    return this.socket.bufferedAmount;
  }

  close(reason: string): void {
    this.socket.close(CLOSE_CODES[reason] ?? 1000, reason);
    // A peer that does not complete the closing handshake is not waited for long.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  onClose(callback: () => void): void {
    if (this.socket.readyState === this.socket.CLOSED) callback();
    else this.socket.once('close', callback);
  }

  private write(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }
}

import type { TenantEvent } from './tenant-event-hub';

/** One open `/v1/events` connection, SSE or WebSocket, as EventStreams drives it. */
export interface EventStream {
  readonly tenantId: string;
  /** Sends one event of the tenant. */
  send(event: TenantEvent): void;
  /** Tells the client that events may have been missed: it should read the state again. */
  resync(reason: string): void;
  /** Sent once after subscribing, so a client knows that from now on nothing is missed. */
  ready(): void;
  heartbeat(): void;
  /** Bytes queued for a slow client. */
  backlog(): number;
  close(reason: string): void;
  onClose(callback: () => void): void;
}

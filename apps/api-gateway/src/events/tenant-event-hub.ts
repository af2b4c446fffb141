import {
  EVENT_BUS,
  type EventBus,
  type Subscription,
  Subjects,
  tenantOfSubject,
} from '@envoy-fleet/messaging';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

/** One event as `/v1/events` streams it. */
export interface TenantEvent {
  /** The event's message id: unique, and the same on every replica (for Last-Event-ID). */
  id: string;
  /** `config.updated`, `config.rejected`, `proxy.status`, `proxy.registered` or `proxy.removed`. */
  type: string;
  tenantId: string;
  data: unknown;
}

export type TenantEventListener = (event: TenantEvent) => void;

/** The events streamed to a tenant's clients: its config changes and its proxies' status. */
const STREAMED: ((tenantId: string) => string)[] = [
  Subjects.configUpdated,
  Subjects.configRejected,
  Subjects.proxyStatus,
  Subjects.proxyRegistered,
  Subjects.proxyRemoved,
];

/** Events kept per tenant for resuming a stream, and for how long. */
const REPLAY_EVENTS = 500;
const REPLAY_MS = 5 * 60_000;
/** Tenants with kept events; past this the least recently active tenant's are dropped. */
const REPLAY_TENANTS = 10_000;

/**
 * One subscription per replica to every fleet event, fanned out in memory to the streams of each
 * tenant (a JetStream consumer per open stream would not scale). Every replica sees every event
 * in the stream's order and keeps the last few per tenant, so a client may resume on any replica.
 */
@Injectable()
export class TenantEventHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TenantEventHub.name);
  private readonly listeners = new Map<string, Set<TenantEventListener>>();
  private readonly everyTenant = new Set<TenantEventListener>();
  private readonly recent = new Map<string, { event: TenantEvent; at: number }[]>();
  private subscription: Subscription | undefined;

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.bus.subscribe<unknown>(
      { subject: Subjects.allEvents },
      async (received) => {
        let tenantId: string;
        try {
          tenantId = tenantOfSubject(received.subject);
        } catch {
          return;
        }
        if (!STREAMED.some((subject) => subject(tenantId) === received.subject)) return;
        this.dispatch({
          id: received.msgId,
          type: received.subject.split('.').slice(1, 3).join('.'),
          tenantId,
          data: received.payload,
        });
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /** Calls `listener` with each new event of the tenant; returns the function that stops it. */
  listen(tenantId: string, listener: TenantEventListener): () => void {
    let set = this.listeners.get(tenantId);
    if (!set) this.listeners.set(tenantId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(tenantId) === set) this.listeners.delete(tenantId);
    };
  }

  /** Calls `listener` with each new event of every tenant (for the read cache). */
  listenToAll(listener: TenantEventListener): () => void {
    this.everyTenant.add(listener);
    return () => this.everyTenant.delete(listener);
  }

  /**
   * The tenant's kept events after the one with id `lastEventId`, oldest first; undefined when
   * that event is not kept here (too old, or before this replica started): the client must resync.
   */
  since(tenantId: string, lastEventId: string): TenantEvent[] | undefined {
    const kept = this.fresh(tenantId);
    const index = kept.findIndex((entry) => entry.event.id === lastEventId);
    return index < 0 ? undefined : kept.slice(index + 1).map((entry) => entry.event);
  }

  /** Open streams, for tests and metrics. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private dispatch(event: TenantEvent): void {
    this.keep(event);
    for (const listener of [...this.everyTenant, ...(this.listeners.get(event.tenantId) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`event listener failed: ${error instanceof Error ? error.message : error}`);
      }
    }
  }

  private keep(event: TenantEvent): void {
    const kept = this.fresh(event.tenantId);
    kept.push({ event, at: Date.now() });
    if (kept.length > REPLAY_EVENTS) kept.splice(0, kept.length - REPLAY_EVENTS);
    // Re-inserted, so the Map's first key is the tenant whose events are oldest.
    this.recent.delete(event.tenantId);
    this.recent.set(event.tenantId, kept);
    if (this.recent.size > REPLAY_TENANTS) this.recent.delete(this.recent.keys().next().value as string);
  }

  private fresh(tenantId: string): { event: TenantEvent; at: number }[] {
    const kept = this.recent.get(tenantId) ?? [];
    const cutoff = Date.now() - REPLAY_MS;
    const firstFresh = kept.findIndex((entry) => entry.at >= cutoff);
    if (firstFresh > 0) kept.splice(0, firstFresh);
    else if (firstFresh < 0) kept.length = 0;
    return kept;
  }
}

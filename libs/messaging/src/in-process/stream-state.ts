import { subjectMatches } from './subject-filter';

/**
 * One line of the journal (JSON lines, appended in this order of events):
 * - `stream`: first line of a compacted journal; keeps the sequence going when old messages are gone.
 * - `message`: a published event; `time` is ms since the epoch.
 * - `consumer`: a durable consumer created (or its filter changed); after compaction it also
 *   carries what it acknowledged (`ackFloor`: every seq up to it; `acked`: seqs above it) and how
 *   often unacknowledged messages were handed out (`delivered`: seq → count).
 * - `deliver`: a message handed to a durable's handler; `ack`: the handler resolved.
 */
export type JournalEntry =
  | { type: 'stream'; lastSeq: number }
  | {
      type: 'message';
      seq: number;
      subject: string;
      msgId: string;
      payload: unknown;
      time: number;
      headers?: Record<string, string>;
    }
  | {
      type: 'consumer';
      name: string;
      filter: string;
      ackFloor?: number;
      acked?: number[];
      delivered?: Record<string, number>;
    }
  | { type: 'deliver'; consumer: string; seq: number }
  | { type: 'ack'; consumer: string; seq: number };

/** A published event as the stream keeps it; `data` is the JSON payload, parsed anew per delivery. */
export interface StoredMessage {
  seq: number;
  subject: string;
  msgId: string;
  data: string;
  time: number;
  /** The publisher's headers (trace context); absent when there were none. */
  headers?: Record<string, string>;
}

/** What a durable consumer has done: everything up to `ackFloor` is settled. */
export interface ConsumerState {
  name: string;
  filter: string;
  ackFloor: number;
  /** Acknowledged seqs above the floor. */
  acked: Set<number>;
  /** Unacknowledged seqs → how many times they were handed to a handler. */
  deliveries: Map<number, number>;
}

/** The stream's messages (in seq order) and its durable consumers. */
export interface StreamState {
  lastSeq: number;
  messages: Map<number, StoredMessage>;
  consumers: Map<string, ConsumerState>;
}

/** Rebuilds the stream from journal entries, in the order they were written. */
export function replayJournal(entries: Iterable<JournalEntry>): StreamState {
  const state: StreamState = { lastSeq: 0, messages: new Map(), consumers: new Map() };
  for (const entry of entries) {
    switch (entry.type) {
      case 'stream':
        state.lastSeq = Math.max(state.lastSeq, entry.lastSeq);
        break;
      case 'message':
        state.lastSeq = Math.max(state.lastSeq, entry.seq);
        state.messages.set(entry.seq, {
          seq: entry.seq,
          subject: entry.subject,
          msgId: entry.msgId,
          data: JSON.stringify(entry.payload ?? null),
          time: entry.time,
          ...(entry.headers ? { headers: entry.headers } : {}),
        });
        break;
      case 'consumer':
        replayConsumer(state, entry);
        break;
      case 'deliver': {
        const deliveries = state.consumers.get(entry.consumer)?.deliveries;
        deliveries?.set(entry.seq, (deliveries.get(entry.seq) ?? 0) + 1);
        break;
      }
      case 'ack': {
        const consumer = state.consumers.get(entry.consumer);
        consumer?.acked.add(entry.seq);
        consumer?.deliveries.delete(entry.seq);
        break;
      }
    }
  }
  return state;
}

function replayConsumer(state: StreamState, entry: Extract<JournalEntry, { type: 'consumer' }>): void {
  const consumer = state.consumers.get(entry.name);
  if (consumer) {
    consumer.filter = entry.filter;
    consumer.ackFloor = Math.max(consumer.ackFloor, entry.ackFloor ?? 0);
    return;
  }
  state.consumers.set(entry.name, {
    name: entry.name,
    filter: entry.filter,
    ackFloor: entry.ackFloor ?? 0,
    acked: new Set(entry.acked ?? []),
    deliveries: new Map(Object.entries(entry.delivered ?? {}).map(([seq, count]) => [Number(seq), count])),
  });
}

/** True when `message` has outlived the stream's retention at `now`. */
export function isExpired(message: StoredMessage, now: number, maxAgeMs: number): boolean {
  return now - message.time > maxAgeMs;
}

/**
 * Drops messages past retention, acknowledged or not (as JetStream's `max_age` does), and moves
 * each consumer's floor up to its first message still waiting, forgetting the acks below it.
 */
export function compactState(state: StreamState, now: number, maxAgeMs: number): void {
  for (const [seq, message] of state.messages) {
    if (isExpired(message, now, maxAgeMs)) state.messages.delete(seq);
  }
  for (const consumer of state.consumers.values()) {
    let floor = consumer.ackFloor;
    while (floor < state.lastSeq && !isWaiting(state, consumer, floor + 1)) floor++;
    consumer.ackFloor = floor;
    const kept = (seq: number) => seq > floor && state.messages.has(seq);
    consumer.acked = new Set([...consumer.acked].filter(kept));
    consumer.deliveries = new Map([...consumer.deliveries].filter(([seq]) => kept(seq)));
  }
}

function isWaiting(state: StreamState, consumer: ConsumerState, seq: number): boolean {
  const message = state.messages.get(seq);
  return !!message && subjectMatches(consumer.filter, message.subject) && !consumer.acked.has(seq);
}

/** The journal lines that rebuild `state`, for rewriting the journal compacted. */
export function journalOf(state: StreamState): JournalEntry[] {
  const messages = [...state.messages.values()].sort((a, b) => a.seq - b.seq);
  return [
    { type: 'stream', lastSeq: state.lastSeq },
    ...messages.map((message): JournalEntry => ({
      type: 'message',
      seq: message.seq,
      subject: message.subject,
      msgId: message.msgId,
      payload: JSON.parse(message.data),
      time: message.time,
      ...(message.headers ? { headers: message.headers } : {}),
    })),
    ...[...state.consumers.values()].map((consumer): JournalEntry => ({
      type: 'consumer',
      name: consumer.name,
      filter: consumer.filter,
      ackFloor: consumer.ackFloor,
      acked: [...consumer.acked].sort((a, b) => a - b),
      delivered: Object.fromEntries(consumer.deliveries),
    })),
  ];
}

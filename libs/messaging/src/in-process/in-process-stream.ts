import { resolve } from 'node:path';
import { EventHandler, inFlightLimit, SubscribeOptions, Subscription } from '../event-bus';
import { FLEET_DUPLICATE_WINDOW_MS, FLEET_STREAM_MAX_AGE_MS } from '../stream-limits';
import { FLEET_STREAM_SUBJECTS } from '../subjects';
import { Deliver, DurableConsumer, MessageSource } from './durable-consumer';
import { EventJournal } from './journal';
import { LiveSubscription } from './live-subscription';
import {
  compactState,
  isExpired,
  journalOf,
  JournalEntry,
  replayJournal,
  StoredMessage,
  StreamState,
} from './stream-state';
import { filterWithin, isLiteralSubject, isValidFilter, subjectMatches } from './subject-filter';

interface Durable {
  consumer: DurableConsumer;
  /** Resolves when the consumer's declaration is in the journal. */
  declared: Promise<void>;
}

/**
 * The fleet stream kept in this process, with what JetStream keeps on its server: messages for
 * the retention period, the de-duplication window, and durable consumers with their acks; all in
 * a journal when given a directory, else in memory.
 */
export class InProcessStream implements MessageSource {
  private lastSeq: number;
  private lastCommittedSeq: number;
  /** msg id → when it was first published, and its journal write (which a repeat waits for). */
  private readonly published = new Map<string, { time: number; written: Promise<void> }>();
  private readonly durables = new Map<string, Durable>();
  private readonly live = new Set<LiveSubscription>();

  private constructor(
    private readonly state: StreamState,
    private readonly journal?: EventJournal,
  ) {
    this.lastSeq = this.lastCommittedSeq = state.lastSeq;
    for (const message of state.messages.values()) {
      this.published.set(message.msgId, { time: message.time, written: Promise.resolve() });
    }
    for (const consumer of state.consumers.values()) {
      this.durables.set(consumer.name, {
        consumer: new DurableConsumer(consumer, this),
        declared: Promise.resolve(),
      });
    }
  }

  /** Opens the stream journaled in `dir` (compacting the journal first), or in memory without one. */
  static async open(dir?: string): Promise<InProcessStream> {
    if (dir === undefined) return new InProcessStream(replayJournal([]));
    let state = replayJournal([]);
    const journal = await EventJournal.open(resolve(dir), (entries) => {
      state = replayJournal(entries);
      compactState(state, Date.now(), FLEET_STREAM_MAX_AGE_MS);
      return journalOf(state);
    });
    return new InProcessStream(state, journal);
  }

  /** Stores and delivers `payload` unless `msgId` was published within the de-duplication window. */
  async publish(
    subject: string,
    payload: unknown,
    msgId: string,
    headers: Record<string, string> = {},
  ): Promise<void> {
    if (
      !isLiteralSubject(subject) ||
      !FLEET_STREAM_SUBJECTS.some((filter) => subjectMatches(filter, subject))
    ) {
      throw new Error(`no stream takes subject '${subject}': fleet events go to ${FLEET_STREAM_SUBJECTS}`);
    }
    const time = Date.now();
    this.forgetExpired(time);
    const earlier = this.published.get(msgId);
    if (earlier) return earlier.written;
    const data = JSON.stringify(payload) ?? 'null';
    const kept = Object.keys(headers).length > 0 ? { headers: { ...headers } } : {};
    const message: StoredMessage = { seq: ++this.lastSeq, subject, msgId, data, time, ...kept };
    const written = this.record({
      type: 'message',
      seq: message.seq,
      subject,
      msgId,
      payload,
      time,
      ...kept,
    });
    this.published.set(msgId, { time, written });
    try {
      await written;
    } catch (error) {
      this.published.delete(msgId);
      throw error;
    }
    // Deliverable only once journaled: a handler never sees an event a restart would lose.
    this.state.messages.set(message.seq, message);
    this.lastCommittedSeq = Math.max(this.lastCommittedSeq, message.seq);
    for (const durable of this.durables.values()) durable.consumer.dispatch();
    for (const subscription of this.live) subscription.offer(message);
  }

  /** Subscribes as `options.durable` (created with every stored message the first time) or live. */
  async subscribe<T>(options: SubscribeOptions, handler: EventHandler<T>): Promise<Subscription> {
    const filter = options.subject;
    const maxInFlight = inFlightLimit(options);
    if (!isValidFilter(filter) || !FLEET_STREAM_SUBJECTS.some((outer) => filterWithin(filter, outer))) {
      throw new Error(`subject filter '${filter}' is not within the fleet stream (${FLEET_STREAM_SUBJECTS})`);
    }
    const deliver: Deliver = async (message, redelivered) =>
      handler({
        subject: message.subject,
        payload: JSON.parse(message.data) as T,
        msgId: message.msgId,
        redelivered,
        headers: { ...message.headers },
      });
    if (!options.durable) {
      const subscription = new LiveSubscription(filter, deliver, () => this.live.delete(subscription));
      this.live.add(subscription);
      return subscription;
    }
    if (/[\s.*>]/.test(options.durable)) {
      throw new Error(`durable name '${options.durable}' may not contain spaces, '.', '*' or '>'`);
    }
    const consumer = await this.durable(options.durable, filter);
    return consumer.attach(deliver, maxInFlight);
  }

  private async durable(name: string, filter: string): Promise<DurableConsumer> {
    const existing = this.durables.get(name);
    if (existing) {
      await existing.declared;
      if (existing.consumer.filter !== filter) {
        existing.consumer.changeFilter(filter);
        await this.record(existing.consumer.declaration);
      }
      return existing.consumer;
    }
    const state = {
      name,
      filter,
      ackFloor: 0,
      acked: new Set<number>(),
      deliveries: new Map<number, number>(),
    };
    this.state.consumers.set(name, state);
    const consumer = new DurableConsumer(state, this);
    const declared = this.record(consumer.declaration);
    this.durables.set(name, { consumer, declared });
    try {
      await declared;
    } catch (error) {
      this.durables.delete(name);
      this.state.consumers.delete(name);
      throw error;
    }
    return consumer;
  }

  get committedSeq(): number {
    return this.lastCommittedSeq;
  }

  message(seq: number): StoredMessage | undefined {
    const message = this.state.messages.get(seq);
    return message && !isExpired(message, Date.now(), FLEET_STREAM_MAX_AGE_MS) ? message : undefined;
  }

  record(entry: JournalEntry): Promise<void> {
    return this.journal ? this.journal.append(entry) : Promise.resolve();
  }

  /** Lets go of messages past retention and msg ids past the de-duplication window (both oldest first). */
  private forgetExpired(now: number): void {
    for (const [seq, message] of this.state.messages) {
      if (!isExpired(message, now, FLEET_STREAM_MAX_AGE_MS)) break;
      this.state.messages.delete(seq);
    }
    for (const [msgId, { time }] of this.published) {
      if (now - time <= FLEET_DUPLICATE_WINDOW_MS) break;
      this.published.delete(msgId);
    }
  }

  /** Closes every subscription (waiting for messages being handled), then the journal. */
  async close(): Promise<void> {
    await Promise.all([...this.live].map((subscription) => subscription.close()));
    await Promise.all([...this.durables.values()].map((durable) => durable.consumer.close()));
    await this.journal?.close();
  }
}

import type { Subscription } from '../event-bus';
import { FLEET_REDELIVERY_DELAY_MS } from '../stream-limits';
import type { ConsumerState, JournalEntry, StoredMessage } from './stream-state';
import { subjectMatches } from './subject-filter';

/** What a durable consumer needs from its stream. */
export interface MessageSource {
  /** The highest seq whose message is in the journal, hence deliverable. */
  readonly committedSeq: number;
  /** The message at `seq`, or undefined when there is none or it has expired. */
  message(seq: number): StoredMessage | undefined;
  /** Writes `entry` to the journal (a no-op in memory). */
  record(entry: JournalEntry): Promise<void>;
}

/** Hands one message to a subscriber's handler; rejects (never throws) when the handler fails. */
export type Deliver = (message: StoredMessage, redelivered: boolean) => Promise<void>;

interface Subscriber {
  deliver: Deliver;
  /** How many messages it may be handling at once. */
  maxInFlight: number;
  /** The deliveries in progress. */
  running: Set<Promise<void>>;
}

/**
 * A durable consumer of the in-process stream: hands matching messages out in seq order to its
 * subscribers, each message to one of them and each subscriber up to its `maxInFlight` at once,
 * and keeps a message until its handler resolves. A failed message comes back after a delay while
 * later ones go on.
 */
export class DurableConsumer {
  /** Every seq up to here has been handed out or skipped. */
  private cursor: number;
  /** Handed out and not yet acknowledged: being handled or waiting to come back. */
  private readonly outstanding = new Set<number>();
  /** Failed messages whose redelivery delay has passed, in the order they came due. */
  private readonly due: number[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly subscribers: Subscriber[] = [];
  /** Which subscriber is offered the next message first, so that work is spread among them. */
  private turn = 0;
  private closed = false;

  constructor(
    private readonly state: ConsumerState,
    private readonly source: MessageSource,
  ) {
    this.cursor = state.ackFloor;
  }

  get filter(): string {
    return this.state.filter;
  }

  /** Journal line declaring this consumer, with its floor so a changed filter does not reach back. */
  get declaration(): JournalEntry {
    return {
      type: 'consumer',
      name: this.state.name,
      filter: this.state.filter,
      ackFloor: this.state.ackFloor,
    };
  }

  /** Applies a new filter to messages not yet handed out, as JetStream does for a changed durable. */
  changeFilter(filter: string): void {
    this.state.filter = filter;
  }

  /** Adds a subscriber sharing this consumer's messages; closing it waits for the messages it is handling. */
  attach(deliver: Deliver, maxInFlight = 1): Subscription {
    const subscriber: Subscriber = { deliver, maxInFlight, running: new Set() };
    this.subscribers.push(subscriber);
    this.dispatch();
    return {
      close: async () => {
        const index = this.subscribers.indexOf(subscriber);
        if (index >= 0) this.subscribers.splice(index, 1);
        await Promise.all(subscriber.running);
      },
    };
  }

  /** Hands messages not yet handed out to subscribers with room, taking turns among them. */
  dispatch(): void {
    for (let index = this.nextWithRoom(); index !== undefined; index = this.nextWithRoom()) {
      const message = this.next();
      if (!message) return;
      const subscriber = this.subscribers[index];
      this.turn = (index + 1) % this.subscribers.length;
      const handled: Promise<void> = this.handle(subscriber, message).finally(() => {
        subscriber.running.delete(handled);
        this.dispatch();
      });
      subscriber.running.add(handled);
    }
  }

  /** The first subscriber from `turn` on that may take one more message. */
  private nextWithRoom(): number | undefined {
    const count = this.subscribers.length;
    for (let offset = 0; offset < count; offset++) {
      const index = (this.turn + offset) % count;
      const subscriber = this.subscribers[index];
      if (subscriber.running.size < subscriber.maxInFlight) return index;
    }
    return undefined;
  }

  /** Closes every subscriber and stops pending redeliveries; unacknowledged messages stay in the journal. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closing = this.subscribers.splice(0).flatMap((subscriber) => [...subscriber.running]);
    await Promise.all(closing);
  }

  private next(): StoredMessage | undefined {
    for (let seq = this.due.shift(); seq !== undefined; seq = this.due.shift()) {
      const message = this.source.message(seq);
      if (message) return message;
      this.settle(seq); // expired while waiting to come back
    }
    while (this.cursor < this.source.committedSeq) {
      const seq = ++this.cursor;
      if (this.state.acked.has(seq)) continue;
      const message = this.source.message(seq);
      if (message && subjectMatches(this.state.filter, message.subject)) return message;
    }
    return undefined;
  }

  private async handle(subscriber: Subscriber, message: StoredMessage): Promise<void> {
    const { seq } = message;
    this.outstanding.add(seq);
    const deliveries = (this.state.deliveries.get(seq) ?? 0) + 1;
    this.state.deliveries.set(seq, deliveries);
    try {
      // Written before the handler runs, so that after a crash mid-handler it comes back redelivered.
      await this.source.record({ type: 'deliver', consumer: this.state.name, seq });
      await subscriber.deliver(message, deliveries > 1);
    } catch {
      this.redeliverLater(seq);
      return;
    }
    this.state.acked.add(seq);
    this.settle(seq);
    // A lost ack line only means one more delivery after a restart: at least once.
    await this.source.record({ type: 'ack', consumer: this.state.name, seq }).catch(() => undefined);
  }

  private redeliverLater(seq: number): void {
    if (this.closed) return; // the journal has it: it comes back when the stream is reopened
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.due.push(seq);
      this.dispatch();
    }, FLEET_REDELIVERY_DELAY_MS);
    this.timers.add(timer);
  }

  /** Forgets `seq` as outstanding and raises the floor over everything settled below the cursor. */
  private settle(seq: number): void {
    this.outstanding.delete(seq);
    while (this.state.ackFloor < this.cursor && !this.outstanding.has(this.state.ackFloor + 1)) {
      const floor = ++this.state.ackFloor;
      this.state.acked.delete(floor);
      this.state.deliveries.delete(floor);
    }
  }
}

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
  /** The delivery in progress: a subscriber takes one message at a time. */
  current?: Promise<void>;
}

/**
 * A durable consumer of the in-process stream: delivers matching messages in seq order to its
 * subscribers, one at a time each and each message to one of them, and keeps a message until a
 * handler resolves. A failed message comes back after a delay while later ones go on.
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

  /** Adds a subscriber sharing this consumer's messages; closing it waits for its current message. */
  attach(deliver: Deliver): Subscription {
    const subscriber: Subscriber = { deliver };
    this.subscribers.push(subscriber);
    this.dispatch();
    return {
      close: async () => {
        const index = this.subscribers.indexOf(subscriber);
        if (index >= 0) this.subscribers.splice(index, 1);
        await subscriber.current;
      },
    };
  }

  /** Offers messages published since the last call to idle subscribers. */
  dispatch(): void {
    const count = this.subscribers.length;
    const start = this.turn;
    for (let offset = 0; offset < count; offset++) {
      const index = (start + offset) % count;
      const subscriber = this.subscribers[index];
      if (subscriber.current) continue;
      const message = this.next();
      if (!message) return;
      this.turn = (index + 1) % count;
      subscriber.current = this.handle(subscriber, message).finally(() => {
        subscriber.current = undefined;
        this.dispatch();
      });
    }
  }

  /** Closes every subscriber and stops pending redeliveries; unacknowledged messages stay in the journal. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closing = this.subscribers.splice(0).map((subscriber) => subscriber.current);
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

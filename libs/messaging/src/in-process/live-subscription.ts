import type { Subscription } from '../event-bus';
import type { Deliver } from './durable-consumer';
import type { StoredMessage } from './stream-state';
import { subjectMatches } from './subject-filter';

/**
 * A subscription without a durable: sees messages published after it started, one at a time, in
 * order. Nothing is acknowledged, so a handler failure just moves on to the next message.
 */
export class LiveSubscription implements Subscription {
  private readonly queue: StoredMessage[] = [];
  private running?: Promise<void>;
  private closed = false;

  constructor(
    private readonly filter: string,
    private readonly deliver: Deliver,
    private readonly onClose: () => void,
  ) {}

  /** Queues `message` if it matches the filter. */
  offer(message: StoredMessage): void {
    if (this.closed || !subjectMatches(this.filter, message.subject)) return;
    this.queue.push(message);
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    for (let message = this.queue.shift(); message && !this.closed; message = this.queue.shift()) {
      try {
        await this.deliver(message, false);
      } catch {
        // No acks without a durable: the event is dropped, as on JetStream.
      }
    }
    this.running = undefined;
  }

  /** Stops delivery; waits for the message being handled. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    this.onClose();
    await this.running;
  }
}

// Run as a child process by event-bus.contract.int-spec.ts: opens the bus (`jetstream` at a NATS
// URL, or `in-process` in a directory), subscribes as `durable` with every message in flight at
// once, acknowledges the even numbers, holds the odd ones, prints `ready` once the acks are out,
// and waits to be killed in the middle of its batch.
import { EventBus, InProcessEventBus, JetStreamEventBus } from '../src';

async function main(): Promise<void> {
  const [kind, place, subject, durable, maxInFlight, ackWaitMs, evens] = process.argv.slice(2);
  const bus: EventBus =
    kind === 'jetstream'
      ? await JetStreamEventBus.connect(place, 'crashing-subscriber')
      : await InProcessEventBus.open({ dir: place });
  let acked = 0;
  const options = { subject, durable, maxInFlight: Number(maxInFlight), ackWaitMs: Number(ackWaitMs) };
  await bus.subscribe<{ n: number }>(options, async (event) => {
    if (event.payload.n % 2 === 1) await new Promise(() => undefined);
    if (++acked < Number(evens)) return;
    // Let the last ack reach the server or the journal before saying so.
    setTimeout(() => {
      void bus.ping().then(() => process.stdout.write('ready\n'));
    }, 300);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

// Run as a child process by in-process-event-bus.int-spec.ts: opens the bus in the directory given
// as the first argument, publishes one event to a durable whose handler never returns, says so,
// and waits to be killed mid-handler.
import { InProcessEventBus } from '../src/in-process/in-process-event-bus';

async function main(): Promise<void> {
  const [dir, subject, durable] = process.argv.slice(2);
  const bus = await InProcessEventBus.open({ dir });
  await bus.subscribe({ subject, durable }, async () => {
    process.stdout.write('handling\n');
    await new Promise(() => undefined);
  });
  await bus.publish(subject, { n: 1 }, 'abandoned-1');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

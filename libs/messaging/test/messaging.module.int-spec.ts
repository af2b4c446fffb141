import { ConsoleLogger, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EVENT_BUS,
  EventBus,
  EventBusReadiness,
  InProcessEventBus,
  JetStreamEventBus,
  MessagingModule,
  MessagingOptions,
} from '../src';
import { waitFor } from './polling';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Keeps what the app logs, so a test can read it. */
class RecordingLogger extends ConsoleLogger {
  readonly messages: string[] = [];
  override log(message: unknown): void {
    this.messages.push(String(message));
  }
}

async function boot(options: MessagingOptions): Promise<{ app: INestApplicationContext; logged: string[] }> {
  const logger = new RecordingLogger();
  const app = await NestFactory.createApplicationContext(MessagingModule.forRoot(options), { logger });
  return { app, logged: logger.messages };
}

describe(MessagingModule.name, () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'messaging-module-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('without a NATS URL, gives every app in the process one in-process bus journaled in <dataDir>/events', async () => {
    const api = await boot({ natsUrl: '', clientName: 'api-gateway', dataDir });
    const worker = await boot({ natsUrl: '', clientName: 'xds-server', dataDir });
    const events = join(dataDir, 'events');
    expect(api.logged).toContain(
      `event bus: in-process, journal in ${events} (set NATS_URL to use NATS JetStream)`,
    );

    const received: string[] = [];
    const subject = `fleet.config.updated.${randomUUID()}`;
    await worker.app
      .get<EventBus>(EVENT_BUS)
      .subscribe<{ id: string }>({ subject, durable: 'xds' }, async (event) => {
        received.push(event.payload.id);
      });
    await api.app.get<EventBus>(EVENT_BUS).publish(subject, { id: 'a' }, randomUUID());
    await waitFor('the other app to receive the event', () => received.length === 1);
    expect((await stat(join(events, 'journal.jsonl'))).size).toBeGreaterThan(0);

    await api.app.close();
    await expect(api.app.get(EventBusReadiness).check()).rejects.toThrow();
    await expect(worker.app.get(EventBusReadiness).check()).resolves.toBeUndefined();
    await worker.app.close();
    // The last app let go of the journal, so a bus of its own may open it now.
    const reopened = await InProcessEventBus.open({ dir: events });
    await reopened.close();
  });

  it('with a NATS URL, runs on JetStream and logs the URL without credentials', async () => {
    // The test server has no authorization configured, so it lets in a client that sends some.
    const withUser = NATS_URL.replace('nats://', 'nats://fleet:s3cret@');
    const { app, logged } = await boot({ natsUrl: withUser, clientName: 'api-gateway', dataDir });
    expect(app.get(EVENT_BUS)).toBeInstanceOf(JetStreamEventBus);
    expect(logged).toContain(`event bus: NATS JetStream at ${NATS_URL}`);
    expect(logged.join('\n')).not.toContain('s3cret');
    await app.close();
  });
});

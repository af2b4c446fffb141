import { startTracing } from '@envoy-fleet/observability';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { InProcessEventBus, OutboxEvent, OutboxRelay, ReceivedEvent } from '../src';
import { waitFor } from './polling';

describe(`${OutboxRelay.name} trace context`, () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing({ serviceName: 'test', exporter }));

  it('publishes each event in a producer span continuing the trace stored with it, and passes it on', async () => {
    const bus = await InProcessEventBus.open();
    const seen: ReceivedEvent<unknown>[] = [];
    await bus.subscribe({ subject: 'fleet.config.updated.*' }, async (event) => {
      seen.push(event);
    });
    const [traceId, writeSpanId] = ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'];
    const outbox: OutboxEvent[] = [
      {
        id: 1,
        subject: 'fleet.config.updated.t1',
        payload: { version: 1 },
        msgId: randomUUID(),
        headers: { traceparent: `00-${traceId}-${writeSpanId}-01` },
      },
    ];
    const store = {
      unpublished: async () => outbox.splice(0),
      markPublished: async () => undefined,
    };
    await new OutboxRelay(store, bus, { batchSize: 10, pollIntervalMs: 1000 }).drain();
    await waitFor('the event', () => seen.length === 1);

    const publish = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.PRODUCER);
    expect(publish).toMatchObject({ name: 'publish fleet.config.updated' });
    expect(publish?.spanContext().traceId).toBe(traceId);
    expect(publish?.parentSpanContext?.spanId).toBe(writeSpanId);
    expect(seen[0].headers['traceparent']).toBe(`00-${traceId}-${publish?.spanContext().spanId}-01`);
    await bus.close();
  });
});

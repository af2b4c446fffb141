import { startTracing } from '@envoy-fleet/observability';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { PushTraces } from './push-traces';

describe(PushTraces.name, () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing({ serviceName: 'test', exporter }));

  /** Notes a change of `tenantId` from inside a span of its own (as a consumer span would be). */
  function changeIn(traces: PushTraces, tenantId: string) {
    trace.getTracer('test').startActiveSpan('consume', (active) => {
      traces.note(tenantId);
      active.end();
    });
    return exporter.getFinishedSpans().at(-1)!.spanContext();
  }

  it('parents a push on the first event it serves and links the others', async () => {
    const traces = new PushTraces();
    const [first, second] = [changeIn(traces, 't1'), changeIn(traces, 't1')];
    const other = changeIn(traces, 't2');
    await traces.push('t1', async () => undefined);

    const push = exporter.getFinishedSpans().at(-1)!;
    expect(push.name).toBe('xds push');
    expect(push.spanContext().traceId).toBe(first.traceId);
    expect(push.parentSpanContext?.spanId).toBe(first.spanId);
    expect(push.links.map((link) => link.context.spanId)).toEqual([second.spanId]);
    expect(push.attributes).toMatchObject({ 'fleet.tenant_id': 't1' });
    expect(push.links.map((link) => link.context.spanId)).not.toContain(other.spanId);
  });

  it('starts a trace of its own when no event span was noted, and fails with the push', async () => {
    const traces = new PushTraces();
    await expect(traces.push('t3', () => Promise.reject(new Error('no database')))).rejects.toThrow(
      'no database',
    );
    const push = exporter.getFinishedSpans().at(-1)!;
    expect(push.parentSpanContext).toBeUndefined();
    expect(push.status.code).toBe(2);
  });
});

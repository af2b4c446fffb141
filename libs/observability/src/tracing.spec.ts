import { SpanKind } from '@opentelemetry/api';
import { inSpan } from './spans';
import { activeTraceIds, contextFromHeaders, startTracing, traceHeaders } from './tracing';

describe('startTracing without an exporter', () => {
  const tracing = startTracing({ serviceName: 'test', otlpEndpoint: '' });

  it('records nothing but still gives spans ids and carries their context', async () => {
    expect(tracing.exporting).toBe(false);
    await inSpan('write', { kind: SpanKind.SERVER }, async (span) => {
      expect(span.isRecording()).toBe(false);
      const ids = activeTraceIds();
      expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
      const headers = traceHeaders();
      expect(headers['traceparent']).toBe(`00-${ids?.traceId}-${ids?.spanId}-00`);
      await inSpan(
        'consume',
        {},
        async () => expect(activeTraceIds()?.traceId).toBe(ids?.traceId),
        contextFromHeaders(headers),
      );
    });
    expect(activeTraceIds()).toBeUndefined();
  });

  it('is started once per process: a second call returns the first', () => {
    expect(startTracing({ serviceName: 'other' })).toBe(tracing);
  });
});

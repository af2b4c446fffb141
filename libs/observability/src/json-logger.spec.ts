import { Logger, LogLevel } from '@nestjs/common';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { JsonLogger } from './json-logger';
import { runInLogContext } from './log-context';
import { inSpan } from './spans';
import { startTracing } from './tracing';

describe(JsonLogger.name, () => {
  const lines: { line: Record<string, unknown>; level: LogLevel }[] = [];
  const logger = new JsonLogger('api-gateway', ['error', 'warn', 'log'], (line, level) =>
    lines.push({ line: JSON.parse(line) as Record<string, unknown>, level }),
  );
  beforeAll(() => startTracing({ serviceName: 'test', exporter: new InMemorySpanExporter() }));
  beforeEach(() => (lines.length = 0));

  it('writes one JSON object per line with the active trace and span ids', async () => {
    Logger.overrideLogger(logger);
    await inSpan('work', {}, async (span) => {
      new Logger('Clusters').log('cluster created');
      expect(lines.at(-1)?.line).toEqual({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        level: 'log',
        app: 'api-gateway',
        context: 'Clusters',
        message: 'cluster created',
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
      expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  it('leaves the ids out outside a span, includes error stacks and drops levels not enabled', () => {
    logger.error('push failed', new Error('boom').stack, 'ConfigPushesService');
    logger.debug('not shown');
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe('error');
    expect(lines[0].line).toMatchObject({ context: 'ConfigPushesService', message: 'push failed' });
    expect(lines[0].line['stack']).toContain('Error: boom');
    expect(lines[0].line['trace_id']).toBeUndefined();
  });

  it('names the request being handled, in whatever it awaits, and nothing outside a request', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await runInLogContext({ requestId: 'req-1', traceId }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.warn('slow upstream', 'Clusters');
    });
    runInLogContext({ requestId: 'req-2' }, () => logger.log('no span here'));
    logger.log('between requests');
    expect(lines.map(({ line }) => [line['requestId'], line['traceId']])).toEqual([
      ['req-1', traceId],
      ['req-2', undefined],
      [undefined, undefined],
    ]);
    expect(lines[1].line).not.toHaveProperty('traceId');
    expect(lines[2].line).not.toHaveProperty('requestId');
  });
});

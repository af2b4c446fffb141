import { context, Context, Span, SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';
import { fleetTracer } from './tracing';

/**
 * Runs `work` inside a new span (child of `parent`, by default the active context) and ends it
 * when `work` settles; a rejection marks the span as failed and is passed on.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const span = fleetTracer().startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : undefined,
    });
    throw error;
  } finally {
    span.end();
  }
}

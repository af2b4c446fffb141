import { currentLogContext, runInLogContext } from '@envoy-fleet/observability';
import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';

/** What a caller may send as its own request id; anything else is replaced by a fresh UUID. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const requestIds = new WeakMap<FastifyRequest, string>();

/** The request's id, as sent back in `X-Request-Id`. */
export function requestIdOf(request: FastifyRequest): string | undefined {
  return requestIds.get(request);
}

/** The id of the request being handled (for audit rows and log lines), if any. */
export function currentRequestId(): string | undefined {
  return currentLogContext()?.requestId;
}

/** The trace id of the active span (the request's server span while a request is handled). */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? span.traceId : undefined;
}

/**
 * Gives every response `X-Request-Id` (the caller's when sane, else a new UUID) and the trace of
 * its server span (`traceparent`, `X-Trace-Id`), and runs the rest of the request in a log
 * context holding both, so audit rows and log lines name them. Registered after the tracing
 * hook, so the span is active here.
 */
export function stampRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const sent = request.headers['x-request-id'];
    const requestId = typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
    requestIds.set(request, requestId);
    void reply.header('x-request-id', requestId);
    const span = trace.getActiveSpan();
    const context = span?.spanContext();
    let traceId: string | undefined;
    if (span && context && trace.isSpanContextValid(context)) {
      span.setAttribute('fleet.request_id', requestId);
      const flags = context.traceFlags.toString(16).padStart(2, '0');
      void reply.header('traceparent', `00-${context.traceId}-${context.spanId}-${flags}`);
      void reply.header('x-trace-id', context.traceId);
      traceId = context.traceId;
    }
    runInLogContext(traceId ? { requestId, traceId } : { requestId }, done);
  });
}

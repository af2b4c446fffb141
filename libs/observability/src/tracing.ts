import { context, propagation, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** How the process traces: where spans go, and under which service name. */
export interface TracingOptions {
  /** `service.name` of every span this process exports. */
  serviceName: string;
  /** OTLP/HTTP (protobuf) collector base URL, e.g. `http://otel-collector:4318`; '' = no export. */
  otlpEndpoint?: string;
  /** Spans go here, each as it ends (tests pass an InMemorySpanExporter); wins over `otlpEndpoint`. */
  exporter?: SpanExporter;
}

/** The process's tracing, started once. */
export interface Tracing {
  readonly serviceName: string;
  /** True when spans are recorded and exported; false when only context (trace ids) is carried. */
  readonly exporting: boolean;
  /** Exports the spans buffered so far. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

// On globalThis, not in a module variable: the tracer provider is process-wide, and the apps of
// `npm start` (or a test loading built apps) may each hold their own copy of this module.
const TRACING = Symbol.for('envoy-fleet.tracing');
type WithTracing = typeof globalThis & { [TRACING]?: Tracing };

/**
 * Starts tracing for the whole process; later calls return the first one's result. Without an
 * exporter, spans are not recorded, but each still gets ids and carries its context (W3C
 * `traceparent`) over HTTP, gRPC and NATS, so that logs show trace ids at next to no cost.
 */
export function startTracing(options: TracingOptions): Tracing {
  const holder = globalThis as WithTracing;
  const existing = holder[TRACING];
  if (existing) return existing;
  const exporting = Boolean(options.exporter ?? options.otlpEndpoint);
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : options.otlpEndpoint
      ? new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }))
      : new NoopSpanProcessor();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    autoDetectResources: false,
    textMapPropagator: new W3CTraceContextPropagator(),
    sampler: exporting ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOffSampler(),
    spanProcessors: [processor],
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const tracing: Tracing = {
    serviceName: options.serviceName,
    exporting,
    flush: () => processor.forceFlush(),
    shutdown: () => sdk.shutdown(),
  };
  holder[TRACING] = tracing;
  return tracing;
}

/** Exports what is buffered, if tracing was started (apps call it as they close). */
export async function flushTracing(): Promise<void> {
  await (globalThis as WithTracing)[TRACING]?.flush();
}

function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** The tracer of every fleet span (request, admission and push spans say their app in `fleet.app`). */
export function fleetTracer() {
  return trace.getTracer('envoy-fleet');
}

/** The active trace context as message headers (`traceparent`, `tracestate`); {} when there is none. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(from, headers);
  return headers;
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] ?? carrier[key.toLowerCase()],
};

/** The context carried by `headers` (HTTP, NATS or gRPC metadata as a plain object), on top of `base`. */
export function contextFromHeaders(
  headers: Record<string, string | string[] | undefined> | undefined,
  base: Context = context.active(),
): Context {
  return headers ? propagation.extract(base, headers, headerGetter) : base;
}

/** The context a gRPC client sent in its call metadata (`traceparent`, as Envoy can), on top of `base`. */
export function contextFromMetadata(
  metadata: { get(key: string): unknown[] } | undefined,
  base: Context = context.active(),
): Context {
  const value = (key: string) => {
    const [first] = metadata?.get(key) ?? [];
    return typeof first === 'string' ? first : undefined;
  };
  return contextFromHeaders({ traceparent: value('traceparent'), tracestate: value('tracestate') }, base);
}

/** The active span's ids, for log lines; undefined outside a span. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return undefined;
  return { traceId: span.traceId, spanId: span.spanId };
}

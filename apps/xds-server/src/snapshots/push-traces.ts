import { inSpan } from '@envoy-fleet/observability';
import { Link, ROOT_CONTEXT, SpanContext, SpanKind, trace } from '@opentelemetry/api';

/** A push serves a burst of events; more links than this add nothing to a trace. */
const MAX_LINKS = 32;

/**
 * The traces behind each tenant's next push: one push (debounced) serves several events, so its
 * span continues the first event's trace and links the others'. One span per push, not per
 * stream, so that a push to 10k streams costs one span.
 */
export class PushTraces {
  private readonly waiting = new Map<string, SpanContext[]>();

  /** Remembers the active span (the event's consumer span) as a cause of `tenantId`'s next push. */
  note(tenantId: string): void {
    const span = trace.getActiveSpan()?.spanContext();
    if (!span || !trace.isSpanContextValid(span)) return;
    const causes = this.waiting.get(tenantId) ?? [];
    if (causes.length < MAX_LINKS) causes.push(span);
    this.waiting.set(tenantId, causes);
  }

  /** Runs the push of `tenantId` in its span (`xds push`). */
  push<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = this.waiting.get(tenantId) ?? [];
    this.waiting.delete(tenantId);
    const parent = first ? trace.setSpanContext(ROOT_CONTEXT, first) : ROOT_CONTEXT;
    const links: Link[] = rest.map((context) => ({ context }));
    const attributes = { 'fleet.app': 'xds-server', 'fleet.tenant_id': tenantId };
    return inSpan('xds push', { kind: SpanKind.INTERNAL, attributes, links }, work, parent);
  }
}

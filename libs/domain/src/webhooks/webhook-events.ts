import { createHash } from 'node:crypto';

/** Where a subscription's events go. */
export const WEBHOOK_KINDS = ['http', 'slack', 'github'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** A pattern is an event type (`proxy.status`), an area wildcard (`config.*`) or `*` for all. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9-]*\.(\*|[a-z][a-z0-9-]*))$/;

/** The event type of a fleet subject: `fleet.config.updated.<tenant>` is `config.updated`. */
export function eventTypeOfSubject(subject: string): string | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'fleet') return null;
  return `${parts[1]}.${parts[2]}`;
}

/** Whether `eventType` is one of those `patterns` select. */
export function matchesEventTypes(patterns: readonly string[], eventType: string): boolean {
  const [area] = eventType.split('.');
  return patterns.some((p) => p === '*' || p === eventType || p === `${area}.*`);
}

/**
 * The stable id of one event's delivery to one subscription (a UUID shape, derived by hash), so an
 * event the bus hands out again maps to the same delivery and the receiver sees the same id.
 */
export function deliveryIdOf(eventMsgId: string, subscriptionId: string): string {
  const hex = createHash('sha256').update(`${eventMsgId}\n${subscriptionId}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

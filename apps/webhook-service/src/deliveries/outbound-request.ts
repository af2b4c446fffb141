import type { WebhookKind } from '@envoy-fleet/domain';
import { fleetSignature } from '@envoy-fleet/domain';
import { githubStatusRequest } from './github-status';
import { slackMessage } from './slack-message';

/** One event for one subscription, with the subscription's secrets opened. */
export interface DeliveryContext {
  deliveryId: string;
  tenantId: string;
  eventType: string;
  eventAt: Date;
  payload: unknown;
  kind: WebhookKind;
  url: string;
  secret: string;
  token?: string;
  repository?: string;
  /** The API's base URL, for links to the object an event is about. */
  linkBaseUrl: string;
}

/** An HTTP request as sent. */
export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The request a delivery sends, in the shape its kind of target expects. */
export function outboundRequest(context: DeliveryContext, now = new Date()): OutboundRequest {
  switch (context.kind) {
    case 'http':
      return genericRequest(context, now);
    case 'slack':
      return {
        url: context.url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(context)),
      };
    case 'github':
      return githubStatusRequest(context);
  }
}

/** A generic delivery: the event as JSON, signed (see README "Webhooks" for the check). */
function genericRequest(context: DeliveryContext, now: Date): OutboundRequest {
  const body = JSON.stringify({
    id: context.deliveryId,
    type: context.eventType,
    tenantId: context.tenantId,
    occurredAt: context.eventAt.toISOString(),
    data: context.payload,
  });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    url: context.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'envoy-fleet-webhooks/1',
      'x-fleet-event': context.eventType,
      'x-fleet-delivery': context.deliveryId,
      'x-fleet-timestamp': timestamp,
      'x-fleet-signature': fleetSignature(context.secret, timestamp, body),
    },
    body,
  };
}

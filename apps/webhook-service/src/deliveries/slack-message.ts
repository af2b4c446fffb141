import type { DeliveryContext } from './outbound-request';
import { summarize } from './event-summary';

/** A Slack incoming-webhook payload: `text` for notifications, Block Kit blocks to read at a glance. */
export function slackMessage(context: DeliveryContext): Record<string, unknown> {
  const summary = summarize(context.eventType, context.payload, context.linkBaseUrl);
  const icon = summary.failed ? ':x:' : ':white_check_mark:';
  return {
    text: `${icon} ${summary.title}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: summary.title.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} ${summary.detail}`.slice(0, 3000) } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Event*\n\`${context.eventType}\`` },
          { type: 'mrkdwn', text: `*Proxies*\n${summary.proxies.join(', ') || '—'}` },
        ],
      },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Open in Envoy Fleet' }, url: summary.link },
        ],
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `${context.eventAt.toISOString()} · delivery ${context.deliveryId}` },
        ],
      },
    ],
  };
}

import type { DeliveryContext, OutboundRequest } from './outbound-request';
import { summarize } from './event-summary';

/** The commit an event is about, if it names one (`after` of a push, or `commitSha`/`sha`). */
export function commitOf(payload: unknown): string | undefined {
  const p = (payload ?? {}) as Record<string, unknown>;
  const sha = p['commitSha'] ?? p['after'] ?? p['sha'];
  return typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/**
 * GitHub's "create a commit status" (POST /repos/{owner}/{repo}/statuses/{sha}) on the
 * subscription's repository; `url` is the API base (https://api.github.com, or GitHub Enterprise's).
 */
export function githubStatusRequest(context: DeliveryContext): OutboundRequest {
  const sha = commitOf(context.payload);
  if (!sha || !context.repository)
    throw new Error('the event names no commit, or the subscription no repository');
  const summary = summarize(context.eventType, context.payload, context.linkBaseUrl);
  return {
    url: `${context.url.replace(/\/$/, '')}/repos/${context.repository}/statuses/${sha}`,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${context.token ?? ''}`,
      'content-type': 'application/json',
      'user-agent': 'envoy-fleet-webhooks/1',
      'x-github-api-version': '2022-11-28',
      'x-fleet-delivery': context.deliveryId,
    },
    body: JSON.stringify({
      state: summary.failed ? 'failure' : 'success',
      target_url: summary.link,
      description: summary.title.slice(0, 140),
      context: `envoy-fleet/${context.eventType}`,
    }),
  };
}

/** What a person needs from an event at a glance: a headline, the proxies it touches, a link. */
export interface EventSummary {
  title: string;
  detail: string;
  proxies: string[];
  link: string;
  failed: boolean;
}

type Fields = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** A summary of a fleet event's payload, for Slack and GitHub. */
export function summarize(eventType: string, payload: unknown, linkBaseUrl: string): EventSummary {
  const p = (payload ?? {}) as Fields;
  const base = linkBaseUrl.replace(/\/$/, '');
  const proxies = p['nodeId'] ? [text(p['nodeId'])] : [];
  const proxyLink = p['proxyId'] ? `${base}/v1/proxies/${text(p['proxyId'])}` : `${base}/v1/proxies`;
  switch (eventType) {
    case 'config.updated': {
      const changes = Array.isArray(p['changes']) ? (p['changes'] as Fields[]) : [];
      const listed = changes.map((c) => `${text(c['action'])} ${text(c['kind'])} \`${text(c['name'])}\``);
      return {
        title: `Config version ${text(p['version'])} by ${text(p['actor'])}`,
        detail: listed.join('\n') || 'config changed',
        proxies: ['every proxy of the tenant'],
        link: `${base}/v1/proxies?sync=stale`,
        failed: false,
      };
    }
    case 'config.rejected':
      return {
        title: `Proxy ${text(p['nodeId'])} rejected ${text(p['type'])} config`,
        detail: text(p['errorDetail']).slice(0, 500),
        proxies,
        link: proxyLink,
        failed: true,
      };
    case 'proxy.status':
      return {
        title: `Proxy ${text(p['nodeId'])}: ${text(p['type'])} ${text(p['state'])}`,
        detail: `version ${text(p['version'])}${p['errorDetail'] ? `: ${text(p['errorDetail']).slice(0, 300)}` : ''}`,
        proxies,
        link: proxyLink,
        failed: p['state'] === 'NACKED',
      };
    default:
      return {
        title: `Fleet event ${eventType}`,
        detail: '```' + JSON.stringify(payload).slice(0, 500) + '```',
        proxies,
        link: proxies.length > 0 ? proxyLink : `${base}/v1/webhooks`,
        failed: false,
      };
  }
}

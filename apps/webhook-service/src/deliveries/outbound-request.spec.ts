import { fleetSignature } from '@envoy-fleet/domain';
import { DeliveryContext, outboundRequest } from './outbound-request';

const SHA = 'a'.repeat(40);

function context(overrides: Partial<DeliveryContext>): DeliveryContext {
  return {
    deliveryId: 'd-1',
    tenantId: 't-1',
    eventType: 'config.rejected',
    eventAt: new Date('2026-01-01T00:00:00Z'),
    payload: {
      nodeId: 'edge-1',
      proxyId: 'p-1',
      type: 'CLUSTER',
      errorDetail: 'bad cluster',
      commitSha: SHA,
    },
    kind: 'http',
    url: 'https://hooks.example/in',
    secret: 'the-signing-secret',
    linkBaseUrl: 'https://fleet.example',
    ...overrides,
  };
}

describe(outboundRequest.name, () => {
  it('signs a generic delivery over timestamp and body', () => {
    const request = outboundRequest(context({}), new Date(1_700_000_000_000));
    expect(request.headers['x-fleet-event']).toBe('config.rejected');
    expect(request.headers['x-fleet-delivery']).toBe('d-1');
    expect(request.headers['x-fleet-timestamp']).toBe('1700000000');
    expect(request.headers['x-fleet-signature']).toBe(
      fleetSignature('the-signing-secret', '1700000000', request.body),
    );
    expect(JSON.parse(request.body)).toMatchObject({
      id: 'd-1',
      type: 'config.rejected',
      data: { nodeId: 'edge-1' },
    });
  });

  it('builds a Slack incoming-webhook message: text plus Block Kit blocks with the proxy and a link', () => {
    const request = outboundRequest(context({ kind: 'slack' }));
    const message = JSON.parse(request.body) as { text: string; blocks: { type: string }[] };
    expect(message.text).toContain('edge-1');
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    const [header, , fields, actions] = message.blocks as unknown as [
      { text: { type: string; text: string } },
      unknown,
      { fields: { type: string; text: string }[] },
      { elements: { type: string; url: string }[] },
    ];
    expect(header.text.type).toBe('plain_text');
    expect(fields.fields[1].text).toContain('edge-1');
    expect(actions.elements[0]).toMatchObject({
      type: 'button',
      url: 'https://fleet.example/v1/proxies/p-1',
    });
  });

  it('creates a GitHub commit status on the subscribed repository', () => {
    const request = outboundRequest(
      context({
        kind: 'github',
        url: 'https://ghe.example/api/v3/',
        token: 'ghp_x',
        repository: 'acme/edge',
      }),
    );
    expect(request.url).toBe(`https://ghe.example/api/v3/repos/acme/edge/statuses/${SHA}`);
    expect(request.headers['authorization']).toBe('Bearer ghp_x');
    expect(request.headers['accept']).toBe('application/vnd.github+json');
    const body = JSON.parse(request.body) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['context', 'description', 'state', 'target_url']);
    expect(body['state']).toBe('failure');
    expect(body['context']).toBe('envoy-fleet/config.rejected');
    expect(body['description'].length).toBeLessThanOrEqual(140);
  });
});

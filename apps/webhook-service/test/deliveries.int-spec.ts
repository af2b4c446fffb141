import { Subjects } from '@envoy-fleet/messaging';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { FleetEventsHandler } from '../src/deliveries/fleet-events.handler';
import { SubscriptionCache } from '../src/deliveries/subscription-cache';
import { Receiver } from '@envoy-fleet/testing';
import { eventually, startWebhookService, WebhookServiceFixture } from './webhook-service.fixture';

const SECRET = 'whsec-0123456789abcdef';

/** The verification recipe from the README, written independently of the service's code. */
function verify(secret: string, headers: Record<string, unknown>, body: string): boolean {
  const timestamp = String(headers['x-fleet-timestamp']);
  const expected = 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  const presented = String(headers['x-fleet-signature']);
  return (
    expected.length === presented.length && timingSafeEqual(Buffer.from(expected), Buffer.from(presented))
  );
}

function configUpdated(tenantId: string) {
  return { tenantId, version: 7, actor: 'ops@acme', changes: [], occurredAt: new Date().toISOString() };
}

describe(FleetEventsHandler.name, () => {
  let fleet: WebhookServiceFixture;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    fleet = await startWebhookService();
  }, 30_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await fleet.close();
  });

  async function receiver(script: number[] = []): Promise<Receiver> {
    const started = await Receiver.start(script);
    receivers.push(started);
    return started;
  }

  /**
   * Calling the handler directly skips the stream, where `webhook.changed` comes before later
   * events: wait until the service's subscription cache holds the new subscription.
   */
  async function seenByService(subscriptionId: string): Promise<void> {
    const cache = fleet.app.get(SubscriptionCache);
    await eventually(async () =>
      (await cache.forTenant(fleet.tenantId)).some((s) => s.id === subscriptionId) ? true : undefined,
    );
  }

  it('delivers a matching event signed as the README documents', async () => {
    const target = await receiver();
    await fleet.subscribe('http', target.url, ['config.*'], SECRET);
    await fleet.bus.publish(
      Subjects.configUpdated(fleet.tenantId),
      configUpdated(fleet.tenantId),
      randomUUID(),
    );
    const [request] = await target.waitFor(1);
    expect(request.headers['x-fleet-event']).toBe('config.updated');
    expect(request.headers['x-fleet-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(verify(SECRET, request.headers, request.body)).toBe(true);
    expect(verify('another-secret-entirely', request.headers, request.body)).toBe(false);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'config.updated', data: { version: 7 } });
  });

  it('retries a receiver that answers 500 once, then delivers once more and no further', async () => {
    const target = await receiver([500]);
    const subscription = await fleet.subscribe('http', target.url, ['proxy.status']);
    await fleet.bus.publish(Subjects.proxyStatus(fleet.tenantId), { nodeId: 'edge-1' }, randomUUID());
    const [first, second] = await target.waitFor(2);
    expect(second.headers['x-fleet-delivery']).toBe(first.headers['x-fleet-delivery']);
    const [delivery] = await eventually(async () => {
      const rows = await fleet.deliveries(subscription.id);
      return rows[0]?.status === 'delivered' ? rows : undefined;
    });
    expect(delivery.attempts).toBe(2);
    expect(delivery.attemptLog.map((a) => a.statusCode)).toEqual([500, 200]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests).toHaveLength(2);
  });

  it('maps an event handed out again to the same delivery, and does not deliver it twice', async () => {
    const target = await receiver();
    const subscription = await fleet.subscribe('http', target.url, ['config.updated']);
    await seenByService(subscription.id);
    const handler = fleet.app.get(FleetEventsHandler);
    const event = {
      subject: Subjects.configUpdated(fleet.tenantId),
      payload: configUpdated(fleet.tenantId),
      msgId: randomUUID(),
      redelivered: false,
    };
    await handler.handle(event.payload, event as never);
    await handler.handle(event.payload, { ...event, redelivered: true } as never);
    await target.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.requests).toHaveLength(1);
    expect(await fleet.deliveries(subscription.id)).toHaveLength(1);
  });

  it('maps an event handed out twice at once (one batch) to one delivery, sent once', async () => {
    const target = await receiver();
    const subscription = await fleet.subscribe('http', target.url, ['config.updated']);
    await seenByService(subscription.id);
    const handler = fleet.app.get(FleetEventsHandler);
    const event = {
      subject: Subjects.configUpdated(fleet.tenantId),
      payload: configUpdated(fleet.tenantId),
      msgId: randomUUID(),
      redelivered: false,
    };
    await Promise.all([
      handler.handle(event.payload, event as never),
      handler.handle(event.payload, { ...event, redelivered: true } as never),
    ]);
    await target.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.requests).toHaveLength(1);
    expect(await fleet.deliveries(subscription.id)).toHaveLength(1);
  }, 15_000);

  it('takes a burst of events in batches and delivers each once, with its own delivery id', async () => {
    const target = await receiver();
    const subscription = await fleet.subscribe('http', target.url, ['config.updated']);
    // 100: the most the delivery log lists at once.
    const versions = Array.from({ length: 100 }, (_, index) => index + 1);
    await Promise.all(
      versions.map((version) =>
        fleet.bus.publish(
          Subjects.configUpdated(fleet.tenantId),
          { ...configUpdated(fleet.tenantId), version },
          randomUUID(),
        ),
      ),
    );
    await target.waitFor(versions.length, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bodies = target.requests.map(
      (request) => JSON.parse(request.body) as { data: { version: number } },
    );
    expect(bodies.map((body) => body.data.version).sort((a, b) => a - b)).toEqual(versions);
    const ids = new Set(target.requests.map((request) => request.headers['x-fleet-delivery']));
    expect(ids.size).toBe(versions.length);
    const rows = await eventually(async () => {
      const all = await fleet.deliveries(subscription.id);
      return all.length === versions.length && all.every((d) => d.status === 'delivered') ? all : undefined;
    });
    expect(rows.every((row) => row.attempts === 1 && row.attemptLog.length === 1)).toBe(true);
  }, 30_000);

  it('turns an Alertmanager alert labelled with the tenant into an alert.firing delivery', async () => {
    const target = await receiver();
    await fleet.subscribe('http', target.url, ['alert.*']);
    const alert = {
      status: 'firing',
      labels: { alertname: 'FleetProxyNacks', tenant_id: fleet.tenantId },
      annotations: { summary: 'proxies reject config' },
      startsAt: new Date().toISOString(),
      fingerprint: randomUUID(),
    };
    const platformAlert = { ...alert, labels: { alertname: 'FleetDown' }, fingerprint: randomUUID() };
    const response = await fetch(`${fleet.httpUrl}/v1/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '4', status: 'firing', alerts: [alert, platformAlert] }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ published: 1, skipped: 1 });
    const [request] = await target.waitFor(1);
    expect(request.headers['x-fleet-event']).toBe('alert.firing');
    expect(JSON.parse(request.body)).toMatchObject({
      data: { alertname: 'FleetProxyNacks', status: 'firing' },
    });
  });

  it('skips events the subscription does not select', async () => {
    const target = await receiver();
    await fleet.subscribe('http', target.url, ['rollout.*']);
    await fleet.bus.publish(
      Subjects.configUpdated(fleet.tenantId),
      configUpdated(fleet.tenantId),
      randomUUID(),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.requests).toHaveLength(0);
  });
});

describe('SSRF guard', () => {
  let fleet: WebhookServiceFixture;
  let target: Receiver;

  beforeAll(async () => {
    fleet = await startWebhookService({ WEBHOOK_ALLOWED_TARGETS: '' });
    target = await Receiver.start();
  }, 30_000);
  afterAll(async () => {
    await target.close();
    await fleet.close();
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])(
    'refuses a target at %s and dead-letters at once',
    async (host) => {
      const url = target.url.replace('127.0.0.1', host);
      const subscription = await fleet.subscribe('http', url, ['*']);
      await fleet.bus.publish(
        Subjects.configUpdated(fleet.tenantId),
        configUpdated(fleet.tenantId),
        randomUUID(),
      );
      const [delivery] = await eventually(async () => {
        const rows = await fleet.deliveries(subscription.id);
        return rows[0]?.status === 'dead_lettered' ? rows : undefined;
      });
      expect(delivery.attemptLog[0].error).toMatch(/loopback/);
      expect(target.requests).toHaveLength(0);
    },
  );
});

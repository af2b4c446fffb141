import { FLEET_STREAM } from '@envoy-fleet/messaging';
import { Receiver } from '@envoy-fleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createHmac, randomUUID } from 'node:crypto';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';
import { AppProcess } from '../support/fleet-processes';

interface Delivery {
  id: string;
  status: string;
  attempts: number;
}

/** Removes the test's durable consumer from the shared NATS, so runs do not pile them up. */
async function deleteConsumer(name: string): Promise<void> {
  const nc = await connect({ servers: process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222' });
  try {
    await (await jetstreamManager(nc)).consumers.delete(FLEET_STREAM, name);
  } finally {
    await nc.close();
  }
}

async function caughtUp(name: string): Promise<void> {
  const nc = await connect({ servers: process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222' });
  try {
    const jsm = await jetstreamManager(nc);
    await eventually(
      async () => ((await jsm.consumers.info(FLEET_STREAM, name)).num_pending === 0 ? true : undefined),
      240_000,
    );
  } finally {
    await nc.close();
  }
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Webhooks from the API to a receiver', () => {
  let fleet: Fleet;
  let owner: ApiClient;
  let webhook: AppProcess;
  const consumer = `webhook-e2e-${randomUUID().slice(0, 8)}`;
  const webhookEnv = {
    WEBHOOK_CONSUMER_NAME: consumer,
    WEBHOOK_ALLOWED_TARGETS: 'loopback',
    WEBHOOK_RETRY_BASE_MS: '200',
  };
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    fleet = await Fleet.start();
    ({ owner } = await fleet.tenantOwner(`hooks-${randomUUID().slice(0, 6)}`));
    webhook = (await fleet.startWebhookService(webhookEnv)).process;
    // A new durable consumer starts at the shared stream's beginning: let it pass that history.
    await caughtUp(consumer);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await fleet?.stop();
    await deleteConsumer(consumer);
  });

  async function subscribe(receiver: Receiver, eventTypes: string[]) {
    const name = `hook-${randomUUID().slice(0, 8)}`;
    const created = await owner.post<{ id: string; secret: string }>('/v1/webhooks', {
      name,
      kind: 'http',
      url: receiver.url,
      eventTypes,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  it('delivers a config write, signed with the secret shown once; test and redeliver keep the delivery id', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const { id, secret } = await subscribe(receiver, ['config.*', 'webhook.test']);
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect((await owner.get(`/v1/webhooks/${id}`)).body).not.toHaveProperty('secret');
    expect(
      (await owner.post('/v1/clusters', { name: 'web', endpoints: [{ address: '10.0.0.1', port: 80 }] }))
        .status,
    ).toBe(201);
    const [request] = await receiver.waitFor(1, 20_000);
    const timestamp = String(request.headers['x-fleet-timestamp']);
    const signature =
      'v1=' + createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
    expect(request.headers['x-fleet-signature']).toBe(signature);
    expect(request.headers['x-fleet-event']).toBe('config.updated');

    expect((await owner.post(`/v1/webhooks/${id}/test`, {})).status).toBe(202);
    const [, tested] = await receiver.waitFor(2, 20_000);
    expect(tested.headers['x-fleet-event']).toBe('webhook.test');

    const deliveryId = String(request.headers['x-fleet-delivery']);
    // The log is paged, newest first; the filter keeps the config.updated delivery on the first page.
    const log = await owner.get<{ items: Delivery[]; nextCursor: string | null }>(
      `/v1/webhooks/${id}/deliveries?eventType=config.updated`,
    );
    expect(log.body.items.find((d) => d.id === deliveryId)).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });
    expect((await owner.post(`/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`, {})).status).toBe(202);
    const again = await receiver.waitFor(3, 20_000);
    expect(again[2].headers['x-fleet-delivery']).toBe(deliveryId);
  }, 60_000);

  it('loses no event when webhook-service is killed mid-delivery; repeats carry the same delivery id', async () => {
    const receiver = await Receiver.start([], 400);
    receivers.push(receiver);
    await subscribe(receiver, ['config.updated']);
    const writes = 12;
    for (let i = 0; i < writes; i++) {
      const created = await owner.post('/v1/clusters', {
        name: `c-${i}`,
        endpoints: [{ address: '10.0.0.2', port: 80 }],
      });
      expect(created.status).toBe(201);
    }
    await receiver.waitFor(2, 20_000);
    process.kill(webhook.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    webhook = (await fleet.startWebhookService(webhookEnv)).process;

    const names = Array.from({ length: writes }, (_, i) => `c-${i}`);
    const idsByCluster = await eventually(async () => {
      const ids = new Map<string, Set<string>>();
      for (const request of receiver.requests) {
        const body = JSON.parse(request.body) as { data: { changes: { name: string }[] } };
        const name = body.data.changes[0].name;
        ids.set(name, (ids.get(name) ?? new Set()).add(String(request.headers['x-fleet-delivery'])));
      }
      return names.every((name) => ids.has(name)) ? ids : undefined;
    }, 60_000);
    for (const name of names) expect(idsByCluster.get(name)?.size).toBe(1);
  }, 120_000);

  it('turns a signed GitHub push into a fleet event, and posts a commit status back to the GitHub API', async () => {
    const githubApi = await Receiver.start([201]);
    receivers.push(githubApi);
    const secret = 'github-hook-secret-0123456789';
    const created = await owner.post<{ id: string }>('/v1/webhooks', {
      name: `gh-${randomUUID().slice(0, 8)}`,
      kind: 'github',
      url: githubApi.url.replace(/\/hook$/, ''),
      repository: 'acme/edge-config',
      token: 'ghp_e2e_token',
      secret,
      eventTypes: ['git.push'],
    });
    expect(created.status).toBe(201);
    const sha = 'b'.repeat(40);
    const push = JSON.stringify({
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: sha,
      repository: { full_name: 'acme/edge-config' },
      pusher: { name: 'octocat' },
      commits: [{}],
    });
    const send = (signature: string) =>
      fetch(`${fleet.apiUrl}/v1/hooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': signature,
        },
        body: push,
      });
    expect((await send('sha256=' + '0'.repeat(64))).status).toBe(401);
    const signed = 'sha256=' + createHmac('sha256', secret).update(push).digest('hex');
    expect((await send(signed)).status).toBe(202);

    const [status] = await githubApi.waitFor(1, 20_000);
    expect(status.path).toBe(`/repos/acme/edge-config/statuses/${sha}`);
    expect(status.headers['authorization']).toBe('Bearer ghp_e2e_token');
    expect(JSON.parse(status.body)).toMatchObject({ state: 'success', context: 'envoy-fleet/git.push' });
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';
import { ROUTE_FILLS, TenantObjects } from '../support/isolation-routes';
import {
  comparable,
  Operation,
  operationsOf,
  replaceSent,
  send,
  sentValues,
} from '../support/isolation-walk';
import { selfSigned } from '@envoy-fleet/testing';
import { createApiKey, exchangeApiKey } from '../support/tokens';

/** The victim's TLS certificate and key (its secret). */
const VICTIM_CERT = selfSigned('victim-marker.example');
/** Distinctive content of the victim's objects: none of it may ever reach the other tenant. */
const MARKERS = [
  '10.66.66.66',
  'victim-marker',
  // A line from the middle of the victim's certificate and of its key.
  VICTIM_CERT.cert.split('\n')[3] ?? '',
  VICTIM_CERT.key.split('\n')[2] ?? '',
];

/** A caller of the attacking tenant. */
interface Caller {
  role: 'owner' | 'viewer';
  client: ApiClient;
  token: string;
}

async function tokenFor(fleet: Fleet, email: string, password: string): Promise<string> {
  const response = await fleet.client().post<{ accessToken: string }>('/v1/auth/token', { email, password });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  return response.body.accessToken;
}

/** Rows per tenant-owned table for one tenant, as the database superuser sees them (past RLS). */
async function rowsOf(adminUrl: string, tenantId: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table_name}" WHERE tenant_id::text = $1`,
        [tenantId],
      );
      counts[table_name] = rows[0]?.n ?? 0;
    }
    return counts;
  } finally {
    await client.end();
  }
}

describe('Tenant isolation, walked over every route of the OpenAPI document', () => {
  let fleet: Fleet;
  let victim: { tenantId: string; owner: ApiClient };
  let victimObjects: TenantObjects;
  /** The victim's view of its own objects, and its rows, before the walk. */
  let victimPaths: string[];
  const victimView = () => Promise.all(victimPaths.map(async (path) => (await victim.owner.get(path)).body));
  let viewBefore: unknown[];
  let rowsBefore: Record<string, number>;
  let operations: Operation[];
  let callers: Caller[];

  beforeAll(async () => {
    // The walk sends hundreds of requests a second; the request-rate quota is not what it tests.
    fleet = await Fleet.start({ QUOTA_REQUESTS_PER_SECOND: '0' });
    victim = await fleet.tenantOwner('walk-victim');
    const attacker = await fleet.tenantOwner('walk-attacker');
    // The attacker's own objects, so that its writes fail only on what names the victim's.
    expect((await attacker.owner.post('/v1/clusters', { name: 'walk-own', endpoints: [] })).status).toBe(201);
    const ownRoutes = {
      name: 'walk-routes',
      virtualHosts: [
        {
          name: 'own',
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, action: { cluster: 'walk-own' } }],
        },
      ],
    };
    expect((await attacker.owner.post('/v1/route-configurations', ownRoutes)).status).toBe(201);
    const ownerToken = await tokenFor(fleet, 'owner@walk-attacker.test', 'walk-attacker-owner-password');
    const viewerKey = await createApiKey(attacker.owner, 'walk-viewer', ['viewer']);
    const viewerToken = (await exchangeApiKey(fleet.client(), viewerKey.key)).body.accessToken;
    callers = [
      { role: 'owner', client: fleet.client().withToken(ownerToken), token: ownerToken },
      { role: 'viewer', client: fleet.client().withToken(viewerToken), token: viewerToken },
    ];

    victimObjects = await createVictimObjects(victim.owner, victim.tenantId);
    victimPaths = [
      `/v1/tenants/${victim.tenantId}`,
      '/v1/clusters',
      `/v1/clusters/${victimObjects.cluster}`,
      '/v1/route-configurations',
      `/v1/route-configurations/${victimObjects.routeConfiguration}`,
      '/v1/listeners',
      `/v1/listeners/${victimObjects.listener}`,
      '/v1/proxies',
      `/v1/proxies/${victimObjects.proxyId}`,
      '/v1/api-keys',
      `/v1/api-keys/${victimObjects.apiKeyId}`,
      '/v1/webhooks',
      `/v1/webhooks/${victimObjects.webhookId}`,
      `/v1/webhooks/${victimObjects.webhookId}/deliveries`,
      '/v1/vms',
      `/v1/vms/${victimObjects.vmId}`,
      '/v1/secrets',
      `/v1/secrets/${victimObjects.secret}`,
    ];
    viewBefore = await victimView();
    rowsBefore = await rowsOf(fleet.database.adminUrl, victim.tenantId);

    const docs = await fleet.client().get<{ paths: Record<string, Record<string, unknown>> }>('/docs-json');
    expect(docs.status).toBe(200);
    operations = operationsOf(docs.body);
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('knows how to fill every route the OpenAPI document lists', () => {
    expect(operations.length).toBeGreaterThan(20);
    const unknown = operations.filter((operation) => !ROUTE_FILLS[operation.key]).map((o) => o.key);
    // A new route must be added to ROUTE_FILLS (e2e/support/isolation-routes.ts) with its victim ids.
    expect(unknown).toEqual([]);
  });

  it("gives the other tenant's owner and viewer the same answer for the victim's objects as for objects that do not exist", async () => {
    const fresh = freshObjects();
    const mismatches: string[] = [];
    // Routes that address an object first, then the collections (whose writes create objects).
    const ordered = [
      ...operations.filter((o) => o.template.includes('{')),
      ...operations.filter((o) => !o.template.includes('{') && o.method === 'GET'),
      ...operations.filter((o) => !o.template.includes('{') && o.method !== 'GET'),
    ];
    const statuses: Record<string, [number, number]> = {};
    for (const caller of callers) {
      const probes = ordered.flatMap((operation) => {
        const fill = ROUTE_FILLS[operation.key];
        if (!fill) return []; // reported by the test above
        const bodies = [fill.body, ...(fill.alsoBodies ?? [])];
        return bodies.map((body, i) => ({ operation, fill: { ...fill, body }, variant: i }));
      });
      for (const { operation, fill, variant } of probes) {
        const label = `${caller.role}: ${operation.key}${variant > 0 ? ` (body ${variant + 1})` : ''}`;
        const answer = async (ids: TenantObjects) => {
          const response = await send(caller.client, fleet.apiUrl, caller.token, operation, fill, ids);
          await undoCreation(caller.client, operation, response);
          return response;
        };
        const onVictim = await answer(victimObjects);
        const onNothing = await answer(fresh);
        statuses[label] = [onVictim.status, onNothing.status];
        const sentToVictim = sentValues(operation, fill, victimObjects);
        const sentToNothing = sentValues(operation, fill, fresh);

        for (const [which, response, sent] of [
          ['victim', onVictim, sentToVictim],
          ['nonexistent', onNothing, sentToNothing],
        ] as const) {
          const leaked = leakedValues(replaceSent(response.body, sent));
          if (leaked.length > 0)
            mismatches.push(`${label} (${which}) answered the victim's ${leaked.join(', ')}`);
        }
        if (onVictim.status >= 200 && onVictim.status < 300 && operation.template.includes('{')) {
          mismatches.push(`${label} succeeded (${onVictim.status}) on the victim's object`);
        }
        const [a, b] = [comparable(onVictim, sentToVictim), comparable(onNothing, sentToNothing)];
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          mismatches.push(
            `${label} answered differently:\n  victim:      ${JSON.stringify(a)}\n  nonexistent: ${JSON.stringify(b)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // The walk reached the handlers (not a wall of 401s from a bad token): a sample of the answers.
    expect({
      readCluster: statuses['owner: GET /v1/clusters/{name}'],
      replaceCluster: statuses['owner: PUT /v1/clusters/{name}'],
      deleteProxy: statuses['owner: DELETE /v1/proxies/{id}'],
      readTenant: statuses['owner: GET /v1/tenants/{id}'],
      readSecret: statuses['owner: GET /v1/secrets/{name}'],
      routeToVictimCluster: statuses['owner: POST /v1/route-configurations'],
      listenerOnVictimSecret: statuses['owner: POST /v1/listeners (body 2)'],
      createClusterOfSameName: statuses['owner: POST /v1/clusters'],
      viewerDeletesCluster: statuses['viewer: DELETE /v1/clusters/{name}'],
      viewerReadsWebhook: statuses['viewer: GET /v1/webhooks/{id}'],
    }).toEqual({
      readCluster: [404, 404],
      replaceCluster: [404, 404],
      deleteProxy: [404, 404],
      readTenant: [404, 404],
      readSecret: [404, 404],
      routeToVictimCluster: [422, 422],
      listenerOnVictimSecret: [422, 422],
      createClusterOfSameName: [201, 201],
      viewerDeletesCluster: [403, 403],
      viewerReadsWebhook: [404, 404],
    });
  }, 180_000);

  it("leaves every one of the victim's objects as it was", async () => {
    expect(await victimView()).toEqual(viewBefore);
    const rowsAfter = await rowsOf(fleet.database.adminUrl, victim.tenantId);
    // Deliveries and outbox rows come from the victim's own setup (a webhook test), which may still be draining.
    const settled = (rows: Record<string, number>) => {
      const { outbox_events: _o, webhook_deliveries: _d, ...rest } = rows;
      return rest;
    };
    expect(settled(rowsAfter)).toEqual(settled(rowsBefore));
  });

  it("streams none of the victim's events to the other tenant at /v1/events, while its own arrive", async () => {
    const streams = await Promise.all(callers.map((caller) => openEvents(fleet.apiUrl, caller.token)));
    try {
      await Promise.all(streams.map((stream) => stream.until((text) => text.includes('event: ready'))));
      // The victim changes its config; then the attacker its own, which both streams must show.
      const moved = { endpoints: [{ address: '10.66.66.67', port: 6667 }] };
      expect((await victim.owner.put(`/v1/clusters/${victimObjects.cluster}/endpoints`, moved)).status).toBe(
        200,
      );
      const own = await callers[0]!.client.post('/v1/clusters', { name: 'walk-events-own', endpoints: [] });
      expect(own.status).toBe(201);
      for (const stream of streams) {
        const text = await stream.until((seen) => seen.includes('walk-events-own'));
        expect(text).toContain('event: config.updated');
        expect(leakedValues(text)).toEqual([]);
        expect(text).not.toContain('10.66.66.67');
      }
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  /** The victim's identifiers and unique strings that turn up in an answer. */
  function leakedValues(text: string): string[] {
    const ids = [
      victim.tenantId,
      victimObjects.proxyId,
      victimObjects.vmId,
      victimObjects.apiKeyId,
      victimObjects.webhookId,
      victimObjects.cluster,
      victimObjects.routeConfiguration,
      victimObjects.listener,
      victimObjects.nodeId,
      victimObjects.webhookName,
      victimObjects.vmName,
    ];
    return [...ids, ...MARKERS].filter((value) => value && text.includes(value));
  }
});

/** The victim's config, proxy, VM, key and webhook, with unmistakable names and contents. */
async function createVictimObjects(owner: ApiClient, tenantId: string): Promise<TenantObjects> {
  const check = <T>(what: string, response: { status: number; body: T }): T => {
    if (response.status >= 300) throw new Error(`${what} not created: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  check(
    'cluster',
    await owner.post('/v1/clusters', {
      name: 'victim-cluster',
      endpoints: [{ address: '10.66.66.66', port: 6666 }],
    }),
  );
  check(
    'route configuration',
    await owner.post('/v1/route-configurations', {
      name: 'victim-routes',
      virtualHosts: [
        {
          name: 'victim',
          domains: ['victim-marker.example'],
          routes: [{ match: { prefix: '/' }, action: { cluster: 'victim-cluster' } }],
        },
      ],
    }),
  );
  check(
    'listener',
    await owner.post('/v1/listeners', { name: 'victim-listener', routeConfigName: 'victim-routes' }),
  );
  check(
    'secret',
    await owner.post('/v1/secrets', {
      name: 'victim-secret',
      type: 'TLS_CERTIFICATE',
      certificatePem: VICTIM_CERT.cert,
      privateKeyPem: VICTIM_CERT.key,
    }),
  );
  const proxy = check(
    'proxy',
    await owner.post<{ id: string }>('/v1/proxies', {
      nodeId: 'victim-node',
      labels: { team: 'victim-marker' },
    }),
  );
  const vm = check('vm', await owner.post<{ id: string }>('/v1/vms', { name: 'victim-vm' }));
  const key = await createApiKey(owner, 'victim-key', ['viewer']);
  const webhook = check(
    'webhook',
    await owner.post<{ id: string }>('/v1/webhooks', {
      name: 'victim-hook',
      kind: 'http',
      url: 'https://victim-marker.example.com/hook',
      eventTypes: ['config.*'],
    }),
  );
  await owner.post(`/v1/webhooks/${webhook.id}/test`, {});
  const deliveries = await owner.get<{ items?: { id: string }[]; nextCursor?: string | null }>(
    `/v1/webhooks/${webhook.id}/deliveries?limit=1`,
  );
  return {
    tenantId,
    cluster: 'victim-cluster',
    routeConfiguration: 'victim-routes',
    listener: 'victim-listener',
    secret: 'victim-secret',
    proxyId: proxy.id,
    nodeId: 'victim-node',
    vmId: vm.id,
    vmName: 'victim-vm',
    apiKeyId: key.id,
    webhookId: webhook.id,
    webhookName: 'victim-hook',
    deliveryId: deliveries.body.items?.[0]?.id ?? randomUUID(),
  };
}

/** An open `GET /v1/events` stream: what it sent so far, and a wait for something in it. */
async function openEvents(apiUrl: string, token: string) {
  const abort = new AbortController();
  const response = await fetch(`${apiUrl}/v1/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
      }
    } catch {
      // closed by the test
    }
  })();
  return {
    async until(done: (seen: string) => boolean, timeoutMs = 10_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!done(text)) {
        if (Date.now() > deadline) throw new Error(`the event stream did not show it in time:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return text;
    },
    close(): void {
      abort.abort();
      void reading;
    },
  };
}

/** Identifiers of the same kinds that name nothing in any tenant. */
function freshObjects(): TenantObjects {
  const tag = randomUUID().slice(0, 8);
  return {
    tenantId: randomUUID(),
    cluster: `nothing-cluster-${tag}`,
    routeConfiguration: `nothing-routes-${tag}`,
    listener: `nothing-listener-${tag}`,
    secret: `nothing-secret-${tag}`,
    proxyId: randomUUID(),
    nodeId: `nothing-node-${tag}`,
    vmId: randomUUID(),
    vmName: `nothing-vm-${tag}`,
    apiKeyId: randomUUID(),
    webhookId: randomUUID(),
    webhookName: `nothing-hook-${tag}`,
    deliveryId: randomUUID(),
  };
}

/** A collection POST that worked made an object in the caller's own tenant: remove it again. */
async function undoCreation(
  client: ApiClient,
  operation: Operation,
  response: { status: number; body: unknown },
) {
  if (operation.method !== 'POST' || operation.template.includes('{') || response.status !== 201) return;
  const body = response.body as { name?: string; id?: string };
  const byName = ['/v1/clusters', '/v1/route-configurations', '/v1/listeners', '/v1/secrets'];
  const handle = byName.includes(operation.template) ? body.name : body.id;
  if (handle) await client.delete(`${operation.template}/${encodeURIComponent(handle)}`);
}

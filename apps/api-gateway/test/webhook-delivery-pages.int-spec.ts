import { randomUUID } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';
import { Client } from 'pg';
import { WebhooksController } from '../src/webhooks/webhooks.controller';
import { ApiTestApp, TestClient } from './support/api-test-app';
import { expectBadField, Page, walkPages, withCursor } from './support/paging';

interface Delivery {
  id: string;
  subscriptionId: string;
  eventType: string;
  status: string;
}
interface Row {
  id: string;
  eventType: string;
  status: string;
  createdAt: Date;
}
const byId = (delivery: Delivery) => delivery.id;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (minute: number) => new Date(T0 + minute * 60_000);

// Minutes 3 and 4 hold two deliveries each: the id breaks their tie.
const FIXTURE: [string, string, number][] = [
  ['config.updated', 'delivered', 0],
  ['proxy.status', 'pending', 1],
  ['config.rejected', 'dead_lettered', 2],
  ['config.updated', 'delivered', 3],
  ['webhook.test', 'delivered', 3],
  ['proxy.registered', 'pending', 4],
  ['config.updated', 'dead_lettered', 4],
];

/** Newest first, as the log reads by default: creation time, then id, both descending. */
function newestFirst(rows: Row[]): string[] {
  return [...rows]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((row) => row.id);
}

describe(`${WebhooksController.name} delivery log pages`, () => {
  let api: ApiTestApp;
  let sql: Client;
  let a: { tenantId: string; owner: TestClient; webhookId: string; otherWebhookId: string };
  let b: { tenantId: string; owner: TestClient; webhookId: string };
  let rowsA: Row[];
  let rowsB: Row[];
  const log = (webhookId: string, query = '') => `/v1/webhooks/${webhookId}/deliveries${query}`;

  const subscribe = async (owner: TestClient, name: string): Promise<string> => {
    const created = await owner.post<{ id: string }>('/v1/webhooks', {
      name,
      kind: 'http',
      url: 'https://hooks.example.com/fleet',
      eventTypes: ['*'],
    });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  /** Deliveries written as webhook-service writes them (it is not running here). */
  const addDeliveries = async (
    tenantId: string,
    subscriptionId: string,
    rows: [string, string, number][],
  ): Promise<Row[]> => {
    const added: Row[] = [];
    for (const [eventType, status, minute] of rows) {
      const row = { id: randomUUID(), eventType, status, createdAt: at(minute) };
      await sql.query(
        `INSERT INTO webhook_deliveries
           (id, tenant_id, subscription_id, event_type, event_msg_id, payload, status, event_at, created_at)
         VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $7)`,
        [row.id, tenantId, subscriptionId, eventType, randomUUID(), status, row.createdAt],
      );
      added.push(row);
    }
    return added;
  };

  beforeAll(async () => {
    api = await ApiTestApp.start();
    sql = new Client({ connectionString: api.database.adminUrl });
    await sql.connect();
    const tenantA = await api.tenantOwner('deliveries-a');
    const tenantB = await api.tenantOwner('deliveries-b');
    a = {
      ...tenantA,
      webhookId: await subscribe(tenantA.owner, 'hook'),
      otherWebhookId: await subscribe(tenantA.owner, 'other-hook'),
    };
    b = { ...tenantB, webhookId: await subscribe(tenantB.owner, 'hook') };
    rowsA = await addDeliveries(a.tenantId, a.webhookId, FIXTURE);
    await addDeliveries(a.tenantId, a.otherWebhookId, FIXTURE);
    rowsB = await addDeliveries(b.tenantId, b.webhookId, FIXTURE);
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await api?.stop();
  });

  it('pages the log newest first, following nextCursor, each delivery once', async () => {
    const first = await a.owner.get<Page<Delivery>>(log(a.webhookId, '?limit=3'));
    expect(first.status).toBe(200);
    expect(first.body.items.map(byId)).toEqual(newestFirst(rowsA).slice(0, 3));
    expect(first.body.items[0]).toMatchObject({ subscriptionId: a.webhookId, attempts: 0, attemptLog: [] });
    const second = await a.owner.get<Page<Delivery>>(
      withCursor(log(a.webhookId, '?limit=3'), first.body.nextCursor as string),
    );
    expect(second.body.items.map(byId)).toEqual(newestFirst(rowsA).slice(3, 6));
    expect(await walkPages(a.owner, log(a.webhookId, '?limit=3'), byId)).toEqual({
      keys: newestFirst(rowsA),
      pages: 3,
    });
    expect((await walkPages(a.owner, log(a.webhookId, '?limit=2&sort=createdAt'), byId)).keys).toEqual(
      newestFirst(rowsA).reverse(),
    );
  });

  it('filters by status and by event type (exact, area or any), paging within the filter', async () => {
    const ids = (keep: (row: Row) => boolean) => newestFirst(rowsA.filter(keep));
    const walk = async (query: string) => (await walkPages(a.owner, log(a.webhookId, query), byId)).keys;
    expect(await walk('?status=delivered&limit=1')).toEqual(ids((r) => r.status === 'delivered'));
    expect(await walk('?status=dead_lettered')).toEqual(ids((r) => r.status === 'dead_lettered'));
    expect(await walk('?eventType=config.updated&limit=2')).toEqual(
      ids((r) => r.eventType === 'config.updated'),
    );
    expect(await walk('?eventType=config.*&limit=2')).toEqual(ids((r) => r.eventType.startsWith('config.')));
    expect(await walk('?eventType=*&limit=4')).toEqual(ids(() => true));
    expect(await walk('?eventType=proxy.*&status=pending&sort=createdAt')).toEqual(
      ids((r) => r.eventType.startsWith('proxy.') && r.status === 'pending').reverse(),
    );
    expect(await walk('?eventType=git.push')).toEqual([]);
  });

  it('neither repeats nor skips a delivery while new ones arrive between pages', async () => {
    const before = newestFirst(rowsA);
    const arrived: Row[] = [];
    let minute = 10;
    const arrive = async () => {
      arrived.push(
        ...(await addDeliveries(a.tenantId, a.webhookId, [['config.updated', 'pending', minute++]])),
      );
    };
    // Newest first: what arrives is newer than the cursor, so the walk goes on with the older ones.
    const newest = await walkPages(a.owner, log(a.webhookId, '?limit=2'), byId, arrive);
    expect(newest.keys).toEqual(before);
    // Oldest first: what arrives is after the cursor, so the walk sees it once, at the end.
    const oldest = await walkPages(a.owner, log(a.webhookId, '?limit=2&sort=createdAt'), byId, arrive);
    expect(oldest.keys.slice(0, before.length)).toEqual([...before].reverse());
    expect(new Set(oldest.keys).size).toBe(oldest.keys.length);
    expect(oldest.keys.slice(before.length)).toEqual(arrived.map((row) => row.id));
    rowsA.push(...arrived);
  });

  it('shows a tenant its own deliveries only', async () => {
    const own = await walkPages(b.owner, log(b.webhookId, '?limit=2'), byId);
    expect(own.keys).toEqual(newestFirst(rowsB));
    expect((await b.owner.get(log(a.webhookId))).status).toBe(404);
    expect((await b.owner.get(log(a.webhookId, '?status=delivered&limit=1'))).status).toBe(404);
    // A cursor from another tenant's log is only a position: it shows nothing of theirs.
    const theirs = await a.owner.get<Page<Delivery>>(log(a.webhookId, '?limit=1'));
    const fromTheirCursor = await b.owner.get<Page<Delivery>>(
      withCursor(log(b.webhookId, '?limit=50'), theirs.body.nextCursor as string),
    );
    expect(fromTheirCursor.status).toBe(200);
    for (const item of fromTheirCursor.body.items) expect(rowsB.map((r) => r.id)).toContain(item.id);
    // Another subscription of the same tenant keeps its own log.
    const other = await walkPages(a.owner, log(a.otherWebhookId, '?limit=5'), byId);
    expect(other.keys).toHaveLength(FIXTURE.length);
    expect(other.keys.filter((id) => rowsA.some((row) => row.id === id))).toEqual([]);
  });

  it('refuses bad paging and filter input with a 400 naming the parameter', async () => {
    const get = (query: string) => a.owner.get(log(a.webhookId, query));
    expectBadField(await get('?limit=0'), 'limit');
    expectBadField(await get('?limit=501'), 'limit');
    expectBadField(await get('?limit=ten'), 'limit');
    expectBadField(await get('?sort=name'), 'sort');
    expectBadField(await get('?cursor=not-a-cursor'), 'cursor');
    expectBadField(await get('?status=lost'), 'status');
    expectBadField(await get('?eventType=Config!'), 'eventType');
    // Deliveries have neither names nor labels.
    expectBadField(await get('?name=config'), 'name');
    expectBadField(await get('?label=env=prod'), 'label');
    const newest = await a.owner.get<Page<Delivery>>(log(a.webhookId, '?limit=1'));
    const cursor = encodeURIComponent(newest.body.nextCursor as string);
    expectBadField(await get(`?sort=createdAt&cursor=${cursor}`), 'cursor');
  });

  it('is described as a paged collection with its filters in the OpenAPI document', async () => {
    const document = (await api.client().get<OpenAPIV3.Document>('/docs-json')).body;
    const list = document.paths['/v1/webhooks/{id}/deliveries']?.get as OpenAPIV3.OperationObject;
    const query = (list.parameters as OpenAPIV3.ParameterObject[]).filter((p) => p.in === 'query');
    expect(query.map((p) => p.name).sort()).toEqual(['cursor', 'eventType', 'limit', 'sort', 'status']);
    expect(query.find((p) => p.name === 'sort')?.schema).toMatchObject({ enum: ['createdAt', '-createdAt'] });
    const ok = list.responses['200'] as OpenAPIV3.ResponseObject;
    expect(ok.content?.['application/json']?.schema).toMatchObject({ required: ['items', 'nextCursor'] });
  });
});

import { selfSigned } from '@envoy-fleet/testing';
import { SecretsController } from '../src/secrets/secrets.controller';
import { ApiTestApp, TestClient } from './support/api-test-app';
import { expectBadField, Page, walkPages, withCursor } from './support/paging';

type Item = { id?: string; name: string };
const byName = (item: Item) => item.name;

/** How each kind read from SQL page by page is created; names are created out of order. */
const KINDS = {
  secrets: (name: string) => ({ name, type: 'VALIDATION_CONTEXT', certificatePem: CA.cert }),
  vms: (name: string) => ({ name, labels: { env: name.endsWith('b') ? 'staging' : 'prod' } }),
  webhooks: (name: string) => ({ name, kind: 'http', url: 'https://hooks.example.com/x', eventTypes: ['*'] }),
  'api-keys': (name: string) => ({ name, roles: ['viewer'] }),
} as const;
type Kind = keyof typeof KINDS;
const CA = selfSigned('pages-ca.example.com');
const NAMES = ['item-c', 'item-a', 'item-e', 'item-b', 'item-d'];

/** What one tenant made of each kind: names in creation order, and the ids (names for secrets) of its rows. */
interface Made {
  names: Record<Kind, string[]>;
  keys: Record<Kind, Set<string>>;
}

const keyOf = (kind: Kind) => (item: Item) => (kind === 'secrets' ? item.name : (item.id as string));

describe(`SQL-paged collections (${SecretsController.name}, VMs, webhooks, API keys)`, () => {
  let api: ApiTestApp;
  let a: TestClient;
  let b: TestClient;
  let madeA: Made;
  let madeB: Made;

  const create = async (owner: TestClient, kind: Kind, name: string, made: Made) => {
    const response = await owner.post<Item>(`/v1/${kind}`, KINDS[kind](name));
    expect({ kind, name, status: response.status }).toEqual({ kind, name, status: 201 });
    made.names[kind].push(name);
    made.keys[kind].add(keyOf(kind)(response.body));
  };
  const makeAll = async (owner: TestClient, names: string[]): Promise<Made> => {
    const made: Made = { names: {} as Made['names'], keys: {} as Made['keys'] };
    for (const kind of Object.keys(KINDS) as Kind[]) {
      made.names[kind] = [];
      made.keys[kind] = new Set();
      for (const name of names) await create(owner, kind, name, made);
    }
    return made;
  };

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner: a } = await api.tenantOwner('pages-a'));
    ({ owner: b } = await api.tenantOwner('pages-b'));
    madeA = await makeAll(a, NAMES);
    // The other tenant's objects share names with the first's: only the tenant tells them apart.
    madeB = await makeAll(b, ['item-a', 'item-x']);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  it.each(Object.keys(KINDS) as Kind[])('pages %s by name, following nextCursor', async (kind) => {
    const first = await a.get<Page<Item>>(`/v1/${kind}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map(byName)).toEqual(['item-a', 'item-b']);
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const next = await a.get<Page<Item>>(withCursor(`/v1/${kind}?limit=2`, first.body.nextCursor as string));
    expect(next.body.items.map(byName)).toEqual(['item-c', 'item-d']);
    expect(await walkPages(a, `/v1/${kind}?limit=2`, byName)).toEqual({ keys: [...NAMES].sort(), pages: 3 });
  });

  it.each(Object.keys(KINDS) as Kind[])(
    'sorts %s by name or creation time, and filters by name',
    async (kind) => {
      const names = madeA.names[kind];
      expect((await walkPages(a, `/v1/${kind}?limit=2&sort=-name`, byName)).keys).toEqual(
        [...names].sort().reverse(),
      );
      expect((await walkPages(a, `/v1/${kind}?limit=2&sort=createdAt`, byName)).keys).toEqual(names);
      expect((await walkPages(a, `/v1/${kind}?limit=3&sort=-createdAt`, byName)).keys).toEqual(
        [...names].reverse(),
      );
      expect((await walkPages(a, `/v1/${kind}?name=item-d`, byName)).keys).toEqual(['item-d']);
      expect((await walkPages(a, `/v1/${kind}?name=nothing`, byName)).keys).toEqual([]);
    },
  );

  it('filters VMs by label', async () => {
    const staging = await walkPages(a, '/v1/vms?label=env=staging', byName);
    expect(staging.keys).toEqual(['item-b']);
    const prod = await walkPages(a, '/v1/vms?label=env=prod&limit=2', byName);
    expect(prod.keys).toEqual(['item-a', 'item-c', 'item-d', 'item-e']);
  });

  it('neither repeats nor skips a secret while others are added between pages', async () => {
    const { keys } = await walkPages(a, '/v1/secrets?name=item-&limit=2', byName, async (page) => {
      // One before the cursor (never seen later) and one after it (seen once).
      await create(a, 'secrets', `item-0-${page}`, madeA);
      await create(a, 'secrets', `item-z-${page}`, madeA);
    });
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([...keys].sort());
    expect(keys.filter((name) => NAMES.includes(name))).toEqual([...NAMES].sort());
    expect(keys.filter((name) => name.startsWith('item-0-'))).toEqual([]);
    expect(keys.filter((name) => name.startsWith('item-z-')).length).toBeGreaterThan(0);
  });

  it.each(Object.keys(KINDS) as Kind[])('never shows one tenant’s %s to another', async (kind) => {
    const all = async (client: TestClient, path: string) => {
      const keys: string[] = [];
      await walkPages(client, path, (item: Item) => {
        keys.push(keyOf(kind)(item));
        return item.name;
      });
      return keys;
    };
    for (const sort of ['name', '-name', 'createdAt', '-createdAt']) {
      const path = `/v1/${kind}?limit=2&sort=${sort}`;
      expect(await all(b, path)).toEqual(expect.arrayContaining([...madeB.keys[kind]]));
      expect((await all(b, path)).length).toBe(madeB.keys[kind].size);
      const ownA = await all(a, path);
      expect(ownA.length).toBe(madeA.keys[kind].size);
      // Secrets are keyed by name: the other tenant's own name tells them apart.
      if (kind === 'secrets') expect(ownA).not.toContain('item-x');
      else for (const key of ownA) expect(madeB.keys[kind].has(key)).toBe(false);
    }
    // A cursor from the other tenant's pages is only a position: it shows nothing of theirs.
    const theirs = await a.get<Page<Item>>(`/v1/${kind}?limit=1`);
    const after = await b.get<Page<Item>>(
      withCursor(`/v1/${kind}?limit=50`, theirs.body.nextCursor as string),
    );
    expect(after.status).toBe(200);
    expect(after.body.items.map(byName)).toContain('item-x');
    for (const item of after.body.items) expect(madeB.keys[kind].has(keyOf(kind)(item))).toBe(true);
  });

  it('refuses bad paging input with a 400 naming the parameter, on every kind', async () => {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      expectBadField(await a.get(`/v1/${kind}?limit=0`), 'limit');
      expectBadField(await a.get(`/v1/${kind}?limit=501`), 'limit');
      expectBadField(await a.get(`/v1/${kind}?sort=size`), 'sort');
      expectBadField(await a.get(`/v1/${kind}?cursor=not-a-cursor`), 'cursor');
      const page = await a.get<Page<Item>>(`/v1/${kind}?limit=1`);
      const cursor = encodeURIComponent(page.body.nextCursor as string);
      expectBadField(await a.get(`/v1/${kind}?sort=-createdAt&cursor=${cursor}`), 'cursor');
      if (kind !== 'vms') expectBadField(await a.get(`/v1/${kind}?label=env=prod`), 'label');
    }
  });
});

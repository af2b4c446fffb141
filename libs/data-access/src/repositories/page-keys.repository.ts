import { Injectable } from '@nestjs/common';
import type { Tx } from '../database';
import { type KeysetArgs, type Page, type PagedFields, type PageRequest, readPage } from '../paging';

/**
 * The collections paged by key first and loaded after (config objects, proxies). Secrets, VMs,
 * webhooks, API keys and tenants read their pages whole, in one query, from their repositories.
 */
export type PagedCollection = 'clusters' | 'listeners' | 'route-configurations' | 'proxies';

/** Where one object of a page sits: enough to load it and to continue after it. */
export interface PageKey {
  id: string;
  /** Its name (a proxy's node id). */
  name: string;
  createdAt: Date;
}

type KeyRow = { id: string; createdAt: Date } & Record<string, unknown>;
type Finder = (tx: Tx, args: KeysetArgs & { where: Record<string, unknown> }) => Promise<KeyRow[]>;

const keyColumns = (name: string) => ({ id: true, createdAt: true, [name]: true });

// One entry per collection: its name/labels fields and its table. The casts only widen the
// generic keyset arguments to the model's own argument type; the fields exist on every model.
const COLLECTIONS: Record<PagedCollection, { fields: PagedFields; find: Finder }> = {
  clusters: {
    fields: { name: 'name' },
    find: (tx, args) => tx.cluster.findMany({ ...(args as object), select: keyColumns('name') } as never),
  },
  listeners: {
    fields: { name: 'name' },
    find: (tx, args) => tx.listener.findMany({ ...(args as object), select: keyColumns('name') } as never),
  },
  'route-configurations': {
    fields: { name: 'name' },
    find: (tx, args) =>
      tx.routeConfiguration.findMany({ ...(args as object), select: keyColumns('name') } as never),
  },
  proxies: {
    fields: { name: 'nodeId', labels: 'labels' },
    find: (tx, args) => tx.proxy.findMany({ ...(args as object), select: keyColumns('nodeId') } as never),
  },
};

/**
 * Pages of a tenant's collection by keyset: which objects (in order) make up the page, and the
 * cursor after it. Callers load the objects themselves, in the shape their API returns.
 */
@Injectable()
export class PageKeysRepository {
  async page(
    tx: Tx,
    tenantId: string,
    collection: PagedCollection,
    request: PageRequest,
  ): Promise<Page<PageKey>> {
    const { fields, find } = COLLECTIONS[collection];
    const page = await readPage(request, fields, (args) =>
      find(tx, { ...args, where: { tenantId, ...args.where } }),
    );
    return {
      items: page.items.map((row) => ({
        id: row.id,
        name: String(row[fields.name]),
        createdAt: row.createdAt,
      })),
      nextCursor: page.nextCursor,
    };
  }
}

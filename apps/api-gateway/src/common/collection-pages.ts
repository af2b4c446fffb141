import {
  ConfigObjectsRepository,
  Database,
  type Page,
  type PageKey,
  type PagedCollection,
  PageKeysRepository,
  type Revisioned,
  type TenantTx,
} from '@envoy-fleet/data-access';
import type { Cluster, Listener, Principal, RouteConfiguration } from '@envoy-fleet/domain';
import { Global, Injectable, Module } from '@nestjs/common';
import { type ListQueryDto, pageRequestOf } from './list-query.dto';

/** How a collection's objects are loaded in the shape the API returns, and told apart. */
export interface PageLoader<T> {
  /**
   * The objects of the page (may return more; only the page's are kept, in its order). With
   * `tx` it runs in the page's own transaction; without, after it (e.g. through a service).
   */
  load:
    ((keys: PageKey[]) => Promise<T[]>) | { inTransaction: (tx: TenantTx, keys: PageKey[]) => Promise<T[]> };
  /** The object's id or name, whichever its collection is addressed by. */
  keyOf: (item: T) => string;
  /** A filter the database cannot apply (e.g. a proxy's sync state); pages are refilled past it. */
  keep?: (item: T) => boolean;
}

/** Pages refilled past `keep` at most this many times, so a rare filter cannot scan forever. */
const MAX_REFILLS = 20;

/** `GET` on every collection: cursor pagination, name-prefix and label filters, sorting. */
@Injectable()
export class CollectionPages {
  constructor(
    private readonly db: Database,
    private readonly keys: PageKeysRepository,
    private readonly objects: ConfigObjectsRepository,
  ) {}

  /** Config objects load in the page's transaction, by name: one query per page. */
  clusters(principal: Principal, query: ListQueryDto): Promise<Page<Revisioned<Cluster>>> {
    return this.list(principal, 'clusters', query, {
      load: { inTransaction: (tx, keys) => this.objects.clusters(tx, principal.tenantId, namesOf(keys)) },
      keyOf: (cluster) => cluster.name,
    });
  }

  listeners(principal: Principal, query: ListQueryDto): Promise<Page<Revisioned<Listener>>> {
    return this.list(principal, 'listeners', query, {
      load: { inTransaction: (tx, keys) => this.objects.listeners(tx, principal.tenantId, namesOf(keys)) },
      keyOf: (listener) => listener.name,
    });
  }

  routeConfigurations(
    principal: Principal,
    query: ListQueryDto,
  ): Promise<Page<Revisioned<RouteConfiguration>>> {
    return this.list(principal, 'route-configurations', query, {
      load: {
        inTransaction: (tx, keys) => this.objects.routeConfigurations(tx, principal.tenantId, namesOf(keys)),
      },
      keyOf: (routeConfiguration) => routeConfiguration.name,
    });
  }

  async list<T>(
    principal: Principal,
    collection: PagedCollection,
    query: ListQueryDto,
    loader: PageLoader<T>,
  ): Promise<Page<T>> {
    const request = pageRequestOf(query);
    const items: T[] = [];
    let cursor = request.cursor;
    for (let round = 0; round <= MAX_REFILLS; round++) {
      const { load } = loader;
      const { page, loaded } = await this.db.forTenant(principal.tenantId, async (tx) => {
        const page = await this.keys.page(tx, principal.tenantId, collection, {
          ...request,
          limit: request.limit - items.length,
          ...(cursor ? { cursor } : {}),
        });
        const inside = typeof load !== 'function' && page.items.length > 0;
        return { page, loaded: inside ? await load.inTransaction(tx, page.items) : [] };
      });
      // A loader through a service opens its own transaction: run it after the page's has ended.
      const outside = typeof load === 'function' && page.items.length > 0;
      items.push(...this.itemsOf(page.items, outside ? await load(page.items) : loaded, loader));
      cursor = page.nextCursor ?? undefined;
      if (!cursor || items.length >= request.limit) break;
    }
    return { items, nextCursor: cursor ?? null };
  }

  private itemsOf<T>(keys: PageKey[], objects: T[], loader: PageLoader<T>): T[] {
    const loaded = new Map<string, T>();
    for (const item of objects) loaded.set(loader.keyOf(item), item);
    return keys
      .map((key) => loaded.get(key.id) ?? loaded.get(key.name))
      .filter((item): item is T => item !== undefined && (loader.keep?.(item) ?? true));
  }
}

function namesOf(keys: PageKey[]): string[] {
  return keys.map((key) => key.name);
}

/** Makes CollectionPages injectable in every controller. */
@Global()
@Module({
  providers: [CollectionPages, PageKeysRepository, ConfigObjectsRepository],
  exports: [CollectionPages],
})
export class CollectionPagesModule {}

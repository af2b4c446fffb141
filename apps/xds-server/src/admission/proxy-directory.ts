import { Database, ProxyBatchRepository, ProxyRecord } from '@envoy-fleet/data-access';
import { Injectable, Logger } from '@nestjs/common';
import { BatchLoader } from './batch-loader';

/** How long a looked-up proxy is trusted without its removal or token rotation being heard of. */
export const PROXY_CACHE_TTL_MS = 5_000;
/** Proxy ids read in one query, and the waits before a failed read is tried again. */
const MAX_BATCH = 1000;
const RETRY_DELAYS_MS = [100, 400, 1600];
/** Invalidations are remembered this long: far longer than any admission takes. */
const INVALIDATION_MEMORY_MS = 10 * 60_000;

/** A proxy as looked up for an admission, with the stamp to ask `changedSince` about later. */
export interface ProxyLookup {
  proxy?: ProxyRecord;
  stamp: number;
}

/**
 * Registered proxies by proxy id (the one a stream's token names: node ids are unique only within
 * a tenant), for admitting streams. Lookups that arrive together are one
 * query (a reconnect storm is a few queries, not a transaction per stream), and a found proxy is
 * kept for PROXY_CACHE_TTL_MS. The proxy-removed and token-rotated events `invalidate` a proxy at
 * once; an admission that was under way then can tell (`changedSince`) and checks again, so a
 * removed or revoked proxy is never admitted on what was read before its change.
 */
@Injectable()
export class ProxyDirectory {
  private readonly logger = new Logger(ProxyDirectory.name);
  private readonly cache = new Map<string, { proxy: ProxyRecord; expiresAt: number }>();
  /** Proxy id -> the sequence number and time of its last invalidation. */
  private readonly invalidated = new Map<string, { seq: number; at: number }>();
  private sequence = 0;
  private readonly loader: BatchLoader<string, ProxyRecord>;

  constructor(db: Database, proxies: ProxyBatchRepository) {
    this.loader = new BatchLoader(
      async (proxyIds) => {
        const found = await db.asSystem((tx) => proxies.findByIds(tx, proxyIds));
        return new Map(found.map((proxy) => [proxy.id, proxy]));
      },
      {
        what: 'registered proxies',
        maxBatch: MAX_BATCH,
        retryDelaysMs: RETRY_DELAYS_MS,
        onFailure: (error, attempt, keys) =>
          this.logger.warn(`reading ${keys} proxies failed (try ${attempt}): ${String(error)}`),
      },
    );
  }

  /** Database reads so far (each covering every lookup that waited for it). */
  get reads(): number {
    return this.loader.reads;
  }

  /** The registered proxy with this id, if any; UNAVAILABLE if the database cannot say. */
  async lookup(proxyId: string): Promise<ProxyLookup> {
    for (;;) {
      const cached = this.cache.get(proxyId);
      if (cached && cached.expiresAt > Date.now()) return { proxy: cached.proxy, stamp: this.sequence };
      this.cache.delete(proxyId);
      const stamp = this.sequence;
      const proxy = await this.loader.get(proxyId);
      // Invalidated while reading: the read may predate the change, so read again.
      if (this.changedSince(proxyId, stamp)) continue;
      if (proxy) this.cache.set(proxyId, { proxy, expiresAt: Date.now() + PROXY_CACHE_TTL_MS });
      return proxy ? { proxy, stamp } : { stamp };
    }
  }

  /** Forgets the proxy (removed, or its tokens rotated): the next lookup reads the database. */
  invalidate(proxyId: string): void {
    const at = Date.now();
    this.sequence += 1;
    this.cache.delete(proxyId);
    this.invalidated.set(proxyId, { seq: this.sequence, at });
    for (const [id, change] of this.invalidated) {
      if (change.at < at - INVALIDATION_MEMORY_MS) this.invalidated.delete(id);
    }
  }

  /** Whether the proxy was invalidated after the lookup that gave `stamp`. */
  changedSince(proxyId: string, stamp: number): boolean {
    return (this.invalidated.get(proxyId)?.seq ?? 0) > stamp;
  }
}

import { Database, ProxyBatchRepository, ProxyRecord } from '@envoy-fleet/data-access';
import { Injectable, Logger } from '@nestjs/common';
import { BatchLoader } from './batch-loader';

/** How long a looked-up proxy is trusted without its removal or token rotation being heard of. */
export const PROXY_CACHE_TTL_MS = 5_000;
/** Node ids read in one query, and the waits before a failed read is tried again. */
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
 * Registered proxies by node id, for admitting streams. Lookups that arrive together are one
 * query (a reconnect storm is a few queries, not a transaction per stream), and a found proxy is
 * kept for PROXY_CACHE_TTL_MS. The proxy-removed and token-rotated events `invalidate` a node at
 * once; an admission that was under way then can tell (`changedSince`) and checks again, so a
 * removed or revoked proxy is never admitted on what was read before its change.
 */
@Injectable()
export class ProxyDirectory {
  private readonly logger = new Logger(ProxyDirectory.name);
  private readonly cache = new Map<string, { proxy: ProxyRecord; expiresAt: number }>();
  /** Node id -> the sequence number and time of its last invalidation. */
  private readonly invalidated = new Map<string, { seq: number; at: number }>();
  private sequence = 0;
  private readonly loader: BatchLoader<string, ProxyRecord>;

  constructor(db: Database, proxies: ProxyBatchRepository) {
    this.loader = new BatchLoader(
      async (nodeIds) => {
        const found = await db.asSystem((tx) => proxies.findByNodeIds(tx, nodeIds));
        return new Map(found.map((proxy) => [proxy.nodeId, proxy]));
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

  /** The proxy registered as `nodeId`, if any; UNAVAILABLE if the database cannot say. */
  async lookup(nodeId: string): Promise<ProxyLookup> {
    for (;;) {
      const cached = this.cache.get(nodeId);
      if (cached && cached.expiresAt > Date.now()) return { proxy: cached.proxy, stamp: this.sequence };
      this.cache.delete(nodeId);
      const stamp = this.sequence;
      const proxy = await this.loader.get(nodeId);
      // Invalidated while reading: the read may predate the change, so read again.
      if (this.changedSince(nodeId, stamp)) continue;
      if (proxy) this.cache.set(nodeId, { proxy, expiresAt: Date.now() + PROXY_CACHE_TTL_MS });
      return proxy ? { proxy, stamp } : { stamp };
    }
  }

  /** Forgets `nodeId` (removed, or its tokens rotated): the next lookup reads the database. */
  invalidate(nodeId: string): void {
    const at = Date.now();
    this.sequence += 1;
    this.cache.delete(nodeId);
    this.invalidated.set(nodeId, { seq: this.sequence, at });
    for (const [node, change] of this.invalidated) {
      if (change.at < at - INVALIDATION_MEMORY_MS) this.invalidated.delete(node);
    }
  }

  /** Whether `nodeId` was invalidated after the lookup that gave `stamp`. */
  changedSince(nodeId: string, stamp: number): boolean {
    return (this.invalidated.get(nodeId)?.seq ?? 0) > stamp;
  }
}

import { CACHE, type Cache } from '@envoy-fleet/cache';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiConfig } from '../api-config';

/** A cached GET response: its JSON body and the headers its handler set. */
export interface CachedResponse {
  body: string;
  headers: Record<string, string>;
}

/** A generation outlives any entry made under it; when it expires, the next read starts a new one. */
const GENERATION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Cache-aside for GETs of a tenant's config, in the shared Cache (Redis, or in-process when
 * embedded). Entries are keyed by the tenant's current generation, so invalidating a tenant is
 * one write (a new generation) on every replica at once, and an entry computed from data read
 * before a write can only land under the generation that write retired.
 */
@Injectable()
export class TenantReadCache {
  private readonly logger = new Logger(TenantReadCache.name);
  readonly ttlMs: number;

  constructor(
    @Inject(CACHE) private readonly cache: Cache,
    config: ApiConfig,
  ) {
    this.ttlMs = config.READ_CACHE_TTL_MS;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The tenant's current generation, starting one if there is none. */
  async generation(tenantId: string): Promise<string> {
    const key = generationKey(tenantId);
    const current = await this.cache.get(key);
    if (current !== undefined) return current;
    const started = randomUUID();
    await this.cache.set(key, started, GENERATION_TTL_MS);
    return started;
  }

  /**
   * An entry is its headers as JSON, a newline, then the body as sent: a hit parses only the
   * small headers object, never the body (JSON text has no raw newline, so the first one ends the
   * headers). Anything else stored under the key is a miss.
   */
  async get(tenantId: string, generation: string, variant: string): Promise<CachedResponse | undefined> {
    const raw = await this.cache.get(entryKey(tenantId, generation, variant));
    const split = raw?.indexOf('\n') ?? -1;
    if (raw === undefined || split < 0) return undefined;
    return { headers: JSON.parse(raw.slice(0, split)) as Record<string, string>, body: raw.slice(split + 1) };
  }

  async put(tenantId: string, generation: string, variant: string, response: CachedResponse): Promise<void> {
    const entry = `${JSON.stringify(response.headers)}\n${response.body}`;
    await this.cache.set(entryKey(tenantId, generation, variant), entry, this.ttlMs);
  }

  /** Retires every cached read of the tenant, on every replica. Never throws: a failure is logged. */
  async invalidate(tenantId: string): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.cache.set(generationKey(tenantId), randomUUID(), GENERATION_TTL_MS);
    } catch (error) {
      this.logger.warn(
        `could not invalidate the read cache of tenant ${tenantId}: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}

function generationKey(tenantId: string): string {
  return `reads:${tenantId}:generation`;
}

function entryKey(tenantId: string, generation: string, variant: string): string {
  return `reads:${tenantId}:${generation}:${variant}`;
}

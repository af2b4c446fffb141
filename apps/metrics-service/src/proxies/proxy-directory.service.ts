import { Database, ProxyRecord, ProxyRepository } from '@envoy-fleet/data-access';
import { Injectable } from '@nestjs/common';
import { MetricsConfig } from '../metrics-config';

interface Answer {
  proxy: ProxyRecord | undefined;
  until: number;
}

// A proxy flushes every few seconds on one stream; the cache only has to absorb reconnect storms.
const MAX_CACHED = 100_000;

/**
 * Registered proxies by id (the one a stream's token names: node ids are unique only within a
 * tenant), asked of the database once per TTL per proxy id.
 */
@Injectable()
export class ProxyDirectory {
  private readonly answers = new Map<string, Answer>();
  private readonly asking = new Map<string, Promise<ProxyRecord | undefined>>();

  constructor(
    private readonly db: Database,
    private readonly proxies: ProxyRepository,
    private readonly config: MetricsConfig,
  ) {}

  /** The registered proxy with this id, or undefined when there is none. */
  async proxyOf(proxyId: string, now = Date.now()): Promise<ProxyRecord | undefined> {
    const answer = this.answers.get(proxyId);
    if (answer && answer.until > now) return answer.proxy;
    let pending = this.asking.get(proxyId);
    if (!pending) {
      pending = this.lookUp(proxyId).finally(() => this.asking.delete(proxyId));
      this.asking.set(proxyId, pending);
    }
    return pending;
  }

  private async lookUp(proxyId: string): Promise<ProxyRecord | undefined> {
    const proxy = (await this.db.asSystem((tx) => this.proxies.findById(tx, proxyId))) ?? undefined;
    if (this.answers.size >= MAX_CACHED) this.answers.clear();
    this.answers.set(proxyId, { proxy, until: Date.now() + this.config.METRICS_NODE_CACHE_TTL_MS });
    return proxy;
  }
}

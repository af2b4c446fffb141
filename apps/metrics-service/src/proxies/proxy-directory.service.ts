import { Database, ProxyRecord, ProxyRepository } from '@envoy-fleet/data-access';
import { Injectable } from '@nestjs/common';
import { MetricsConfig } from '../metrics-config';

interface Answer {
  proxy: ProxyRecord | undefined;
  until: number;
}

// A proxy flushes every few seconds on one stream; the cache only has to absorb reconnect storms.
const MAX_CACHED = 100_000;

/** The proxy registered under a node id, asked of the database once per TTL per node id. */
@Injectable()
export class ProxyDirectory {
  private readonly answers = new Map<string, Answer>();
  private readonly asking = new Map<string, Promise<ProxyRecord | undefined>>();

  constructor(
    private readonly db: Database,
    private readonly proxies: ProxyRepository,
    private readonly config: MetricsConfig,
  ) {}

  /** The proxy registered as `nodeId`, or undefined when no tenant registered it. */
  async proxyOf(nodeId: string, now = Date.now()): Promise<ProxyRecord | undefined> {
    const answer = this.answers.get(nodeId);
    if (answer && answer.until > now) return answer.proxy;
    let pending = this.asking.get(nodeId);
    if (!pending) {
      pending = this.lookUp(nodeId).finally(() => this.asking.delete(nodeId));
      this.asking.set(nodeId, pending);
    }
    return pending;
  }

  private async lookUp(nodeId: string): Promise<ProxyRecord | undefined> {
    const proxy = (await this.db.asSystem((tx) => this.proxies.findByNodeId(tx, nodeId))) ?? undefined;
    if (this.answers.size >= MAX_CACHED) this.answers.clear();
    this.answers.set(nodeId, { proxy, until: Date.now() + this.config.METRICS_NODE_CACHE_TTL_MS });
    return proxy;
  }
}

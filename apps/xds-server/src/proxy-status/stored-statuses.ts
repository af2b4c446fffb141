import { Database, ProxyStatusRepository } from '@envoy-fleet/data-access';
import { ProxyTypeStatus } from '@envoy-fleet/domain';
import { Injectable, Logger } from '@nestjs/common';
import { BatchLoader } from '../admission/batch-loader';

const MAX_BATCH = 1000;
const RETRY_DELAYS_MS = [100, 400, 1600];

/**
 * The statuses stored for proxies being admitted (what each acknowledged before it reconnected).
 * Admissions of the same moment are read together, one query per tenant, as the recorder writes
 * them together; a read that keeps failing is UNAVAILABLE, which proxies retry.
 */
@Injectable()
export class StoredStatuses {
  private readonly logger = new Logger(StoredStatuses.name);
  private readonly loader: BatchLoader<string, ProxyTypeStatus[]>;

  constructor(db: Database, statuses: ProxyStatusRepository) {
    this.loader = new BatchLoader(
      async (keys) => {
        const byTenant = new Map<string, string[]>();
        for (const key of keys) {
          const [tenantId = '', proxyId = ''] = key.split('/');
          const proxyIds = byTenant.get(tenantId);
          if (proxyIds) proxyIds.push(proxyId);
          else byTenant.set(tenantId, [proxyId]);
        }
        const found = new Map<string, ProxyTypeStatus[]>();
        for (const [tenantId, proxyIds] of byTenant) {
          const rows = await db.forTenant(tenantId, (tx) => statuses.listForProxies(tx, proxyIds));
          for (const [proxyId, list] of rows) found.set(`${tenantId}/${proxyId}`, list);
        }
        return found;
      },
      {
        what: 'stored proxy statuses',
        maxBatch: MAX_BATCH,
        retryDelaysMs: RETRY_DELAYS_MS,
        onFailure: (error, attempt, keys) =>
          this.logger.warn(
            `reading the statuses of ${keys} proxies failed (try ${attempt}): ${String(error)}`,
          ),
      },
    );
  }

  /** Database reads so far. */
  get reads(): number {
    return this.loader.reads;
  }

  /** The proxy's stored status per type. */
  async load(tenantId: string, proxyId: string): Promise<ProxyTypeStatus[]> {
    return (await this.loader.get(`${tenantId}/${proxyId}`)) ?? [];
  }
}

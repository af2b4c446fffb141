import { AuditRepository, Database, TenantRepository, Tx } from '@envoy-fleet/data-access';
import { DomainError, isPlatformAdmin, Principal } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import {
  applyOverrides,
  defaultQuotas,
  OBJECT_QUOTA_OF_KIND,
  QUOTA_NAMES,
  QuotaLimits,
} from './quota-limits';

/** How long a replica trusts the quotas it read; a change reaches every replica within this. */
const LIMITS_TTL_MS = 5_000;
/** Retry-After of a refused create: nothing frees the quota but a delete or a raise, so not soon. */
const OBJECT_QUOTA_RETRY_AFTER_MS = 60_000;

/** A tenant's quotas as the API reports them. */
export interface TenantQuotasView {
  tenantId: string;
  /** The quotas that apply: the tenant's own where set, else the defaults. */
  limits: QuotaLimits;
  /** The tenant's own quotas only. */
  overrides: Partial<QuotaLimits>;
  /** Objects the tenant has of each kind with a quota. */
  usage: Omit<QuotaLimits, 'requestsPerSecond'>;
}

/** Per-tenant quotas: configured defaults, overridden per tenant by platform admins. */
@Injectable()
export class TenantQuotasService {
  private readonly defaults: QuotaLimits;
  private readonly cached = new Map<string, { limits: QuotaLimits; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly audit: AuditRepository,
    config: ApiConfig,
  ) {
    this.defaults = defaultQuotas(config);
  }

  /** The tenant's quotas, read at most every few seconds per replica (checked on every request). */
  async limits(tenantId: string): Promise<QuotaLimits> {
    const now = Date.now();
    const hit = this.cached.get(tenantId);
    if (hit && hit.until > now) return hit.limits;
    const overrides = await this.db.forTenant(tenantId, (tx) => this.tenants.quotas(tx, tenantId));
    const limits = applyOverrides(this.defaults, overrides);
    // Bounded by the number of tenants that made requests lately; expired ones go on the next miss.
    if (this.cached.size > 10_000) this.cached.clear();
    this.cached.set(tenantId, { limits, until: now + LIMITS_TTL_MS });
    return limits;
  }

  /**
   * Inside a write's transaction, with the tenant row locked: refuses (429) creating one more
   * object of `kind` when the tenant is at its quota. The lock makes count-then-insert race-free.
   * `overrides`: the tenant's own quotas when the caller read them with the lock. `counted`: the
   * transaction's running counts, for several creates in one transaction (counted once, then
   * one more for each create that passed).
   */
  async checkCreate(
    tx: Tx,
    tenantId: string,
    kind: string,
    overrides?: Record<string, number>,
    counted?: Map<string, number>,
  ): Promise<void> {
    const quota = OBJECT_QUOTA_OF_KIND[kind];
    if (quota === undefined) return;
    const limit = applyOverrides(this.defaults, overrides ?? (await this.tenants.quotas(tx, tenantId)))[
      quota
    ];
    const count = counted?.get(quota) ?? (await this.tenants.countOf(tx, tenantId, quota));
    if (count >= limit) {
      throw DomainError.rateLimited(
        `quota exceeded: the tenant has ${count} of at most ${limit} ${quota}`,
        OBJECT_QUOTA_RETRY_AFTER_MS,
      );
    }
    counted?.set(quota, count + 1);
  }

  /** The quotas of a tenant: a platform admin sees any, others only their own (else NOT_FOUND). */
  get(principal: Principal, tenantId: string): Promise<TenantQuotasView> {
    if (!isPlatformAdmin(principal) && principal.tenantId !== tenantId) {
      throw DomainError.notFound('tenant', tenantId);
    }
    return this.db.asSystem((tx) => this.view(tx, tenantId));
  }

  /** Replaces the tenant's own quotas (platform admins only; the route checks the role), audited. */
  async set(principal: Principal, tenantId: string, quotas: Partial<Record<string, number | null>>) {
    const overrides: Record<string, number> = {};
    for (const name of QUOTA_NAMES) {
      const value = quotas[name];
      if (typeof value === 'number') overrides[name] = value;
    }
    const view = await this.db.asSystem(async (tx) => {
      const before = await this.tenants.quotas(tx, tenantId);
      const after = await this.tenants.setQuotas(tx, tenantId, overrides);
      const tenant = await this.tenants.get(tx, tenantId);
      await this.audit.add(tx, {
        tenantId,
        actor: principal.subject,
        action: 'updated',
        kind: 'tenant-quotas',
        name: tenant.name,
        before,
        after,
      });
      return this.view(tx, tenantId);
    });
    this.cached.delete(tenantId);
    return view;
  }

  private async view(tx: Tx, tenantId: string): Promise<TenantQuotasView> {
    const overrides = await this.tenants.quotas(tx, tenantId);
    return {
      tenantId,
      limits: applyOverrides(this.defaults, overrides),
      overrides,
      usage: await this.tenants.countObjects(tx, tenantId),
    };
  }
}

import { DomainError, Principal } from '@envoy-fleet/domain';
import { Controller, Get } from '@nestjs/common';
import { ApiConfig } from '../api-config';
import { Authenticated, CurrentPrincipal } from '../auth/guards';

/** The caller's tenant traffic signals as metrics-service derives them from its proxies' stats. */
export interface TenantSignals {
  tenantId: string;
  proxies: number;
  requestRate: number;
  errorRatio5xx: number;
  upstreamFailureRate: number;
}

/**
 * `GET /v1/signals`: request rate, 5xx ratio and upstream failures of the caller's tenant, for a
 * staged rollout to read. metrics-service computes them; its own port is internal, this is the
 * authenticated, tenant-scoped way in.
 */
@Controller('v1/signals')
@Authenticated()
export class SignalsController {
  constructor(private readonly config: ApiConfig) {}

  @Get()
  async get(@CurrentPrincipal() principal: Principal): Promise<TenantSignals> {
    const url = `${this.config.METRICS_SERVICE_URL}/v1/signals/${encodeURIComponent(principal.tenantId)}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
    if (!response?.ok)
      throw new DomainError('UNAVAILABLE', 'metrics-service did not answer; try again shortly');
    return (await response.json()) as TenantSignals;
  }
}

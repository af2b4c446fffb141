import { Controller, Get, Param } from '@nestjs/common';
import { TenantSignals } from './tenant-signals';
import { TenantSignalsService } from './tenant-signals.service';

/** `GET /v1/signals/:tenantId`: the tenant's request rate, 5xx ratio and upstream failures, for rollouts. */
@Controller('v1/signals')
export class SignalsController {
  constructor(private readonly signals: TenantSignalsService) {}

  @Get(':tenantId')
  get(@Param('tenantId') tenantId: string): TenantSignals {
    return this.signals.of(tenantId);
  }
}

import { Principal } from '@envoy-fleet/domain';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { TenantQuotasDto } from './dto/quotas.dto';
import { TenantQuotasService, TenantQuotasView } from './tenant-quotas.service';

/** `/v1/tenants/:id/quotas`: platform admins set a tenant's quotas; its members may read them. */
@Controller('v1/tenants/:id/quotas')
@Authenticated()
export class QuotasController {
  constructor(private readonly quotas: TenantQuotasService) {}

  @Get()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<TenantQuotasView> {
    return this.quotas.get(principal, id);
  }

  /** Replaces the tenant's own quotas: a quota left out falls back to the configured default. */
  @Put()
  @Roles('admin')
  set(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: TenantQuotasDto,
  ): Promise<TenantQuotasView> {
    return this.quotas.set(principal, id, { ...dto });
  }
}

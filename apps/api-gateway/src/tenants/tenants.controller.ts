import { Principal, Tenant } from '@envoy-fleet/domain';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { CreateTenantDto } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

/** `/v1/tenants`: platform admins manage tenants; members may read their own. */
@Controller('v1/tenants')
@Authenticated()
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Roles('admin')
  async list(): Promise<{ items: Tenant[] }> {
    return { items: await this.tenants.list() };
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<Tenant> {
    return this.tenants.get(principal, id);
  }

  @Post()
  @Roles('admin')
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateTenantDto): Promise<Tenant> {
    return this.tenants.create(principal, dto);
  }
}

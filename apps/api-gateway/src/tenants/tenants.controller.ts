import type { Page } from '@envoy-fleet/data-access';
import { Principal, Tenant } from '@envoy-fleet/domain';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { ListQueryDto, pageRequestOf } from '../common/list-query.dto';
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
  list(@Query() query: ListQueryDto): Promise<Page<Tenant>> {
    // Tenants have no labels: `?label=` is a 400, as on the other kinds without them.
    return this.tenants.page(pageRequestOf(query));
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

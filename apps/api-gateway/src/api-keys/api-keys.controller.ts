import { Principal } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiKeysService, ApiKeyView } from './api-keys.service';
import { CreateApiKeyDto } from './dto/api-key.dto';
import type { Page } from '@envoy-fleet/data-access';
import { CollectionPages } from '../common/collection-pages';
import { ListQueryDto } from '../common/list-query.dto';

/** `/v1/api-keys`: keys that `POST /v1/auth/token` exchanges for tokens. Owners and admins manage them. */
@Controller('v1/api-keys')
@Authenticated()
@Roles('owner', 'admin')
export class ApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly pages: CollectionPages,
  ) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<ApiKeyView>> {
    return this.pages.list(principal, 'api-keys', query, {
      load: () => this.apiKeys.list(principal),
      keyOf: (item) => item.id,
    });
  }

  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateApiKeyDto,
  ): Promise<ApiKeyView & { key: string }> {
    return this.apiKeys.create(principal, dto.name, dto.roles);
  }

  @Delete(':id')
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ApiKeyView> {
    return this.apiKeys.revoke(principal, id);
  }
}

import { Principal } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiKeysService, ApiKeyView } from './api-keys.service';
import { CreateApiKeyDto } from './dto/api-key.dto';
import type { Page } from '@envoy-fleet/data-access';
import { ListQueryDto, pageRequestOf } from '../common/list-query.dto';

/**
 * `/v1/api-keys`: keys for machine clients, sent as `Authorization: Bearer` or `X-Api-Key` (or
 * exchanged for a token at `POST /v1/auth/token`). Owners and admins manage them.
 */
@Controller('v1/api-keys')
@Authenticated()
@Roles('owner', 'admin')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<ApiKeyView>> {
    return this.apiKeys.page(principal, pageRequestOf(query));
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<ApiKeyView> {
    return this.apiKeys.get(principal, id);
  }

  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateApiKeyDto,
  ): Promise<ApiKeyView & { key: string }> {
    return this.apiKeys.create(principal, dto.name, dto.roles, dto.expiresAt);
  }

  @Delete(':id')
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ApiKeyView> {
    return this.apiKeys.revoke(principal, id);
  }
}

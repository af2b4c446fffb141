import { Principal, RouteConfiguration, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { setConfigVersion } from '../config-changes/etag';
import { RouteConfigurationsService } from './route-configurations.service';
import { CreateRouteConfigurationDto, RouteConfigurationSpecDto } from './dto/route-configuration.dto';
import { toRouteConfiguration } from './route-configuration-mapping';
import type { Page } from '@envoy-fleet/data-access';
import { CollectionPages } from '../common/collection-pages';
import { ListQueryDto } from '../common/list-query.dto';

/** `/v1/route-configurations`: virtual hosts and routes, by name within the caller's tenant. */
@Controller('v1/route-configurations')
@Authenticated()
export class RouteConfigurationsController {
  constructor(
    private readonly routeConfigurations: RouteConfigurationsService,
    private readonly pages: CollectionPages,
  ) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListQueryDto,
  ): Promise<Page<RouteConfiguration>> {
    return this.pages.routeConfigurations(principal, query);
  }

  @Get(':name')
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<RouteConfiguration> {
    return this.routeConfigurations.get(principal, name);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateRouteConfigurationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RouteConfiguration> {
    const { result, version } = await this.routeConfigurations.create(
      principal,
      toRouteConfiguration(dto.name, dto),
    );
    setConfigVersion(reply, version);
    return result;
  }

  @Put(':name')
  @Roles(...WRITER_ROLES)
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() dto: RouteConfigurationSpecDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RouteConfiguration> {
    const { result, version } = await this.routeConfigurations.replace(
      principal,
      toRouteConfiguration(name, dto),
    );
    setConfigVersion(reply, version);
    return result;
  }

  @Delete(':name')
  @Roles(...WRITER_ROLES)
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { version } = await this.routeConfigurations.remove(principal, name);
    setConfigVersion(reply, version);
  }
}

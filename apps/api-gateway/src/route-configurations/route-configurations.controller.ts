import { Principal, RouteConfiguration, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { setConfigVersion } from '../config-changes/etag';
import { RouteConfigurationsService } from './route-configurations.service';
import { CreateRouteConfigurationDto, RouteConfigurationSpecDto } from './dto/route-configuration.dto';
import { toRouteConfiguration } from './route-configuration-mapping';

/** `/v1/route-configurations`: virtual hosts and routes, by name within the caller's tenant. */
@Controller('v1/route-configurations')
@Authenticated()
export class RouteConfigurationsController {
  constructor(private readonly routeConfigurations: RouteConfigurationsService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: RouteConfiguration[] }> {
    return { items: await this.routeConfigurations.list(principal) };
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

import { Listener, Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { setConfigVersion } from '../config-changes/etag';
import { ListenersService } from './listeners.service';
import { CreateListenerDto, ListenerSpecDto } from './dto/listener.dto';
import { toListener } from './listener-mapping';
import type { Page } from '@envoy-fleet/data-access';
import { CollectionPages } from '../common/collection-pages';
import { ListQueryDto } from '../common/list-query.dto';

/** `/v1/listeners`: listeners (socket or API listeners), by name within the caller's tenant. */
@Controller('v1/listeners')
@Authenticated()
export class ListenersController {
  constructor(
    private readonly listeners: ListenersService,
    private readonly pages: CollectionPages,
  ) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<Listener>> {
    return this.pages.listeners(principal, query);
  }

  @Get(':name')
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<Listener> {
    return this.listeners.get(principal, name);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateListenerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Listener> {
    const { result, version } = await this.listeners.create(principal, toListener(dto.name, dto));
    setConfigVersion(reply, version);
    return result;
  }

  @Put(':name')
  @Roles(...WRITER_ROLES)
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() dto: ListenerSpecDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Listener> {
    const { result, version } = await this.listeners.replace(principal, toListener(name, dto));
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
    const { version } = await this.listeners.remove(principal, name);
    setConfigVersion(reply, version);
  }
}

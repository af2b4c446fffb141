import { ProxyRecord } from '@envoy-fleet/data-access';
import { Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { BootstrapQueryDto } from './dto/bootstrap-query.dto';
import { CreateProxyDto, UpdateProxyDto } from './dto/proxy.dto';
import { ListProxiesQueryDto } from './dto/list-proxies-query.dto';
import { ProxiesService, ProxyConfigView, ProxyView } from './proxies.service';
import { ProxyTokensService } from './proxy-tokens.service';
import { checkLabels } from './labels';
import type { Page } from '@envoy-fleet/data-access';
import { CollectionPages } from '../common/collection-pages';
import type { ProxySync } from './proxy-sync';

/** `/v1/proxies`: the Envoys (and proxyless gRPC clients) of the caller's tenant, with their sync status. */
@Controller('v1/proxies')
@Authenticated()
export class ProxiesController {
  constructor(
    private readonly proxies: ProxiesService,
    private readonly tokens: ProxyTokensService,
    private readonly pages: CollectionPages,
  ) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListProxiesQueryDto,
  ): Promise<Page<ProxyRecord>> {
    return this.pages.list(principal, 'proxies', query, {
      load: () => this.proxies.list(principal),
      keyOf: (proxy) => proxy.id,
      ...(query.sync ? { keep: (proxy: { sync: ProxySync }) => proxy.sync === query.sync } : {}),
    });
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<ProxyView> {
    return this.proxies.get(principal, id);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  register(@CurrentPrincipal() principal: Principal, @Body() dto: CreateProxyDto): Promise<ProxyRecord> {
    return this.proxies.register(principal, dto.nodeId, checkLabels(dto.labels ?? {}), dto.vmId);
  }

  /** Assigns the proxy to a VM (its node-agent runs it) or, with `vmId: null`, takes it off. */
  @Patch(':id')
  @Roles(...WRITER_ROLES)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateProxyDto,
  ): Promise<ProxyRecord> {
    return this.proxies.assignVm(principal, id, dto.vmId);
  }

  /** What the proxy was sent and acknowledged, resource by resource, with any rejection traced to the API. */
  @Get(':id/config')
  config(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ProxyConfigView> {
    return this.proxies.config(principal, id);
  }

  /** A ready bootstrap with a token in it; it is a credential, so writers only. */
  @Get(':id/bootstrap')
  @Roles(...WRITER_ROLES)
  async bootstrap(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: BootstrapQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const rendered = await this.tokens.bootstrap(await this.proxies.record(principal, id), query);
    void reply.header('content-type', rendered.contentType).header('cache-control', 'no-store');
    return rendered.body;
  }

  /** Revokes the proxy's tokens (its streams end) and answers a new one. */
  @Post(':id/token')
  @Roles(...WRITER_ROLES)
  @HttpCode(200)
  async rotateToken(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<{ token: string; tokenGeneration: number }> {
    const proxy = await this.proxies.rotateToken(principal, id);
    return { token: await this.tokens.issue(proxy), tokenGeneration: proxy.tokenGeneration };
  }

  @Delete(':id')
  @Roles(...WRITER_ROLES)
  @HttpCode(204)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.proxies.remove(principal, id);
  }
}

import { Cluster, Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { setConfigVersion } from '../config-changes/etag';
import { toCluster, toEndpoint } from './cluster-mapping';
import { ClustersService } from './clusters.service';
import { ClusterSpecDto, CreateClusterDto, ReplaceEndpointsDto } from './dto/cluster.dto';
import type { Page } from '@envoy-fleet/data-access';
import { CollectionPages } from '../common/collection-pages';
import { ListQueryDto } from '../common/list-query.dto';

/** `/v1/clusters`: upstream clusters and their endpoints, by name within the caller's tenant. */
@Controller('v1/clusters')
@Authenticated()
export class ClustersController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly pages: CollectionPages,
  ) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<Cluster>> {
    return this.pages.clusters(principal, query);
  }

  @Get(':name')
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<Cluster> {
    return this.clusters.get(principal, name);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateClusterDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Cluster> {
    const { result, version } = await this.clusters.create(principal, toCluster(dto.name, dto));
    setConfigVersion(reply, version);
    return result;
  }

  @Put(':name')
  @Roles(...WRITER_ROLES)
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() dto: ClusterSpecDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Cluster> {
    const { result, version } = await this.clusters.replace(principal, toCluster(name, dto));
    setConfigVersion(reply, version);
    return result;
  }

  @Put(':name/endpoints')
  @Roles(...WRITER_ROLES)
  async replaceEndpoints(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() dto: ReplaceEndpointsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Cluster> {
    const { result, version } = await this.clusters.replaceEndpoints(
      principal,
      name,
      dto.endpoints.map(toEndpoint),
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
    const { version } = await this.clusters.remove(principal, name);
    setConfigVersion(reply, version);
  }
}

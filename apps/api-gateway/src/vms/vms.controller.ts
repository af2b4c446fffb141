import { Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { checkLabels } from '../proxies/labels';
import { CreateVmDto } from './dto/vm.dto';
import { VmDetailView, VmView } from './vm-view';
import { VmsService } from './vms.service';
import type { Page } from '@envoy-fleet/data-access';
import { ListQueryDto, pageRequestOf } from '../common/list-query.dto';

/** `/v1/vms`: the machines of the caller's tenant that run node-agents, and their agent tokens. */
@Controller('v1/vms')
@Authenticated()
export class VmsController {
  constructor(private readonly vms: VmsService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<VmView>> {
    return this.vms.page(principal, pageRequestOf(query));
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<VmDetailView> {
    return this.vms.get(principal, id);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateVmDto): Promise<VmView> {
    return this.vms.create(principal, dto.name, checkLabels(dto.labels ?? {}));
  }

  /** Issues the VM's agent token, revoking the previous one. The token is shown only in this answer. */
  @Post(':id/agent-token')
  @Roles(...WRITER_ROLES)
  @HttpCode(201)
  issueAgentToken(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<{ token: string; generation: number }> {
    return this.vms.issueAgentToken(principal, id);
  }

  /** Deletes the VM; its proxies stay, assigned to no VM (its agent's token stops working). */
  @Delete(':id')
  @Roles(...WRITER_ROLES)
  @HttpCode(204)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.vms.remove(principal, id);
  }
}

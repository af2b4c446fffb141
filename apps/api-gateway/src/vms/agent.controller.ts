import { ProxyRecord } from '@envoy-fleet/data-access';
import { AgentAssignments, AgentTokenClaims } from '@envoy-fleet/domain';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { AgentTokenGuard, CurrentAgent } from './agent-token.guard';
import { AgentService } from './agent.service';
import { ReportLifecycleDto } from './dto/lifecycle.dto';
import { RegisterAgentDto } from './dto/vm.dto';

/** `/v1/agent`: what a node-agent calls with its agent token (never a user's token). */
@Controller('v1/agent')
@UseGuards(AgentTokenGuard)
export class AgentController {
  constructor(private readonly agents: AgentService) {}

  /** Introduces the VM (hostname, capacity, version), marks it online, and answers its assignments. */
  @Post('register')
  @HttpCode(200)
  register(
    @CurrentAgent() agent: AgentTokenClaims,
    @Body() dto: RegisterAgentDto,
  ): Promise<AgentAssignments> {
    return this.agents.register(agent, {
      hostname: dto.hostname,
      agentVersion: dto.agentVersion,
      capacity: { ...dto.capacity },
    });
  }

  @Post('heartbeat')
  @HttpCode(204)
  heartbeat(@CurrentAgent() agent: AgentTokenClaims): Promise<void> {
    return this.agents.heartbeat(agent);
  }

  /** The full list of the VM's proxies with their bootstraps (the agent's periodic resync). */
  @Get('proxies')
  assignments(@CurrentAgent() agent: AgentTokenClaims): Promise<AgentAssignments> {
    return this.agents.assignments(agent);
  }

  @Post('proxies/:id/lifecycle')
  @HttpCode(200)
  reportLifecycle(
    @CurrentAgent() agent: AgentTokenClaims,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ReportLifecycleDto,
  ): Promise<ProxyRecord> {
    return this.agents.reportLifecycle(agent, id, {
      state: dto.state,
      restartCount: dto.restartCount,
      ...(dto.detail ? { detail: dto.detail } : {}),
    });
  }
}

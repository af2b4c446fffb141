import { Module } from '@nestjs/common';
import { ProxiesModule } from '../proxies/proxies.module';
import { AgentTokenGuard } from './agent-token.guard';
import { AgentController } from './agent.controller';
import { AgentService } from './agent.service';
import { VmOfflineSweeper } from './vm-offline.sweeper';
import { VmsController } from './vms.controller';
import { VmsService } from './vms.service';

/** VMs, their agent tokens, and the endpoints node-agents call. */
@Module({
  imports: [ProxiesModule],
  controllers: [VmsController, AgentController],
  providers: [VmsService, AgentService, AgentTokenGuard, VmOfflineSweeper],
})
export class VmsModule {}

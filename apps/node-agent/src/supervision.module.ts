import { Module } from '@nestjs/common';
import { NodeAgentService } from './node-agent.service';

/** The proxy supervision loop, shared by the app and its readiness check. */
@Module({ providers: [NodeAgentService], exports: [NodeAgentService] })
export class SupervisionModule {}

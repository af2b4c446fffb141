import { ReadinessCheck } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';
import { AgentConfig } from './agent-config';
import { NodeAgentService } from './node-agent.service';

/**
 * Ready when the agent supervises its proxies (from the API or from its cache) and the engine
 * answers; the control plane being away does not make it unready, that is what the cache is for.
 * Without an agent token it only checks that the API answers.
 */
@Injectable()
export class AgentReadiness implements ReadinessCheck {
  readonly name = 'node-agent';

  constructor(
    private readonly config: AgentConfig,
    private readonly agent: NodeAgentService,
  ) {}

  async check(): Promise<void> {
    if (!this.config.AGENT_TOKEN) {
      const response = await fetch(new URL('/healthz', this.config.API_URL));
      if (!response.ok) throw new Error(`API answered ${response.status}`);
      return;
    }
    if (!this.agent.supervising) throw new Error('not supervising yet');
    await this.agent.pingEngine();
  }
}

import { ReadinessCheck } from '@envoy-fleet/observability';
import { Injectable } from '@nestjs/common';
import { AgentConfig } from './agent-config';

/** The agent is ready when the control plane's API answers its liveness probe. */
@Injectable()
export class ApiReadiness implements ReadinessCheck {
  readonly name = 'control-plane-api';
  constructor(private readonly config: AgentConfig) {}

  async check(): Promise<void> {
    const response = await fetch(new URL('/healthz', this.config.API_URL));
    if (!response.ok) throw new Error(`API answered ${response.status}`);
  }
}

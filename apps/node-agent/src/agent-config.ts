import { CommonConfig } from '@envoy-fleet/config';
import { IsUrl } from 'class-validator';

/** node-agent settings, from the environment. */
export class AgentConfig extends CommonConfig {
  override HTTP_PORT = 3004;

  /** The control plane's API, which the agent registers with. */
  @IsUrl({ require_tld: false })
  API_URL = 'http://127.0.0.1:3000';
}

import type { AgentAssignments, ProxyLifecycleState, VmCapacity } from '@envoy-fleet/domain';

/** The API answered, with an error status. */
export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlPlaneError';
  }
}

/** What the agent tells the API about its VM. */
export interface AgentRegistration {
  hostname: string;
  agentVersion: string;
  capacity: VmCapacity;
}

/** The agent endpoints of the API (`/v1/agent/*`), called with the VM's agent token. */
export class ControlPlaneClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 5000,
  ) {}

  register(registration: AgentRegistration): Promise<AgentAssignments> {
    return this.call<AgentAssignments>('POST', '/v1/agent/register', registration);
  }

  async heartbeat(): Promise<void> {
    await this.call('POST', '/v1/agent/heartbeat');
  }

  assignments(): Promise<AgentAssignments> {
    return this.call<AgentAssignments>('GET', '/v1/agent/proxies');
  }

  async reportLifecycle(
    proxyId: string,
    report: { state: ProxyLifecycleState; detail?: string; restartCount: number },
  ): Promise<void> {
    await this.call('POST', `/v1/agent/proxies/${proxyId}/lifecycle`, report);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.apiUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok)
      throw new ControlPlaneError(response.status, `${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

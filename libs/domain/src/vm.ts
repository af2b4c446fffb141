/** A machine that runs a node-agent; the agent runs the proxies the API assigns to it. */
export interface Vm {
  id: string;
  tenantId: string;
  name: string;
  labels: Record<string, string>;
  /** As the agent reported at registration. */
  hostname?: string;
  capacity: VmCapacity;
  agentVersion?: string;
  createdAt: Date;
}

/** What the VM offers to proxies, as its agent reports it. */
export interface VmCapacity {
  cpus?: number;
  memoryBytes?: number;
  maxProxies?: number;
}

/** pending: never heard from; online: heartbeats arrive; offline: heartbeats were missed. */
export const VM_STATUSES = ['pending', 'online', 'offline'] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

/** What a VM's status is at `now`: offline once its last heartbeat is older than `offlineAfterMs`. */
export function vmStatusAt(lastHeartbeatAt: Date | undefined, now: Date, offlineAfterMs: number): VmStatus {
  if (!lastHeartbeatAt) return 'pending';
  return now.getTime() - lastHeartbeatAt.getTime() > offlineAfterMs ? 'offline' : 'online';
}

/** Where a node-agent's proxy stands, as the agent reports it. */
export const PROXY_LIFECYCLE_STATES = ['starting', 'running', 'crashed', 'draining', 'stopped'] as const;
export type ProxyLifecycleState = (typeof PROXY_LIFECYCLE_STATES)[number];

/** One proxy as its node-agent must run it. */
export interface AssignedProxy {
  id: string;
  nodeId: string;
  labels: Record<string, string>;
  /** A ready Envoy bootstrap (JSON), with the proxy's token in it. */
  bootstrap: Record<string, unknown>;
  /** Crash restarts as last reported, so a restarted agent counts on from there. */
  restartCount: number;
}

/** Everything a node-agent needs to converge: its VM and the full list of proxies it must run. */
export interface AgentAssignments {
  vm: { id: string; tenantId: string; name: string };
  proxies: AssignedProxy[];
  /** How often the agent should heartbeat, so it is not marked offline. */
  heartbeatIntervalMs: number;
}

/** The labels that mark a container as one of this agent's proxies. */
export const LABELS = {
  managedBy: 'envoy-fleet.managed-by',
  vmId: 'envoy-fleet.vm-id',
  tenantId: 'envoy-fleet.tenant-id',
  proxyId: 'envoy-fleet.proxy-id',
  nodeId: 'envoy-fleet.node-id',
  bootstrapHash: 'envoy-fleet.bootstrap-hash',
  adminPort: 'envoy-fleet.admin-port',
  /** `last-good`: started from the cached config without the control plane; absent or `ads`: ADS. */
  configSource: 'envoy-fleet.config-source',
} as const;

export const MANAGED_BY = 'node-agent';

/** Where the bootstrap is mounted inside every proxy container. */
export const BOOTSTRAP_MOUNT = '/etc/envoy/envoy.json';

/** A proxy container to create. */
export interface ProxyContainerSpec {
  name: string;
  image: string;
  /** Empty: the image's own command. */
  command: string[];
  labels: Record<string, string>;
  /** Host path of the bootstrap file, mounted read-only at BOOTSTRAP_MOUNT. */
  bootstrapPath: string;
  memoryBytes: number;
  nanoCpus: number;
  /** Ports the proxy serves on the host (it runs with host networking): admin and listener. */
  ports: number[];
}

/** A proxy container as the engine reports it. */
export interface ProxyContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
  exitCode?: number;
}

/** The container engine, as far as the agent uses it; dockerode in production, in memory in unit tests. */
export interface ContainerRuntime {
  /** Containers carrying `labels` (all of them must match). */
  list(labels: Record<string, string>): Promise<ProxyContainer[]>;
  /** Makes `image` available locally: present, or pulled (a failed pull throws). */
  ensureImage(image: string): Promise<void>;
  create(spec: ProxyContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  stop(id: string, graceSeconds: number): Promise<void>;
  remove(id: string): Promise<void>;
  /** Calls `onDie` with the id of every container carrying `labels` that exits; returns the unsubscribe. */
  watchDeaths(labels: Record<string, string>, onDie: (id: string) => void): Promise<() => void>;
}

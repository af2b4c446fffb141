import type {
  ConfigKind,
  ConfigRejection,
  ProxyLifecycleState,
  ResourceType,
  SyncState,
} from '@envoy-fleet/domain';

/** One API object changed by a config write. */
export interface ConfigChange {
  kind: ConfigKind;
  name: string;
  action: 'created' | 'updated' | 'deleted';
}

/** Payload of `fleet.config.updated.<tenant>`: the tenant's declared config moved to `version`. */
export interface ConfigUpdatedEvent {
  tenantId: string;
  version: number;
  actor: string;
  changes: ConfigChange[];
  occurredAt: string;
}

/** Payload of `fleet.proxy.status.<tenant>`: what a proxy did with a pushed resource type. */
export interface ProxyStatusEvent {
  tenantId: string;
  proxyId: string;
  nodeId: string;
  type: ResourceType;
  state: SyncState;
  version: string;
  errorDetail?: string;
  occurredAt: string;
}

/** Payload of `fleet.config.rejected.<tenant>`: a proxy NACKed config, traced to the API objects behind it. */
export interface ConfigRejectedEvent {
  tenantId: string;
  proxyId: string;
  nodeId: string;
  type: ResourceType;
  /** The rejected xDS version. */
  version: string;
  rejection: ConfigRejection;
  errorDetail: string;
  occurredAt: string;
}

/** Payload of `fleet.proxy.registered.<tenant>` and `fleet.proxy.removed.<tenant>`. */
export interface ProxyRegistryEvent {
  tenantId: string;
  proxyId: string;
  nodeId: string;
  actor: string;
  occurredAt: string;
}

/** Payload of `fleet.tenant.created.<tenant>`. */
export interface TenantCreatedEvent {
  tenantId: string;
  name: string;
  actor: string;
  occurredAt: string;
}

/** Payload of `fleet.webhook.changed.<tenant>`. */
export interface WebhookChangedEvent {
  tenantId: string;
  subscriptionId: string;
  action: 'created' | 'updated' | 'deleted';
  actor: string;
  occurredAt: string;
}

/** Payload of `fleet.webhook.test.<tenant>`: a test delivery for one subscription. */
export interface WebhookTestEvent {
  tenantId: string;
  subscriptionId: string;
  actor: string;
  occurredAt: string;
}

/** Payload of `fleet.git.push.<tenant>`: GitHub reported a push. */
export interface GitPushEvent {
  tenantId: string;
  repository: string;
  ref: string;
  before: string;
  after: string;
  pusher: string;
  commits: number;
  occurredAt: string;
}

/** Payload of `fleet.alert.<firing|resolved>.<tenant>`: one Alertmanager alert labelled with the tenant. */
export interface AlertEvent {
  tenantId: string;
  alertname: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  occurredAt: string;
}

/** Payload of `fleet.proxy.lifecycle.<tenant>`: a node-agent's report on one proxy's container. */
export interface ProxyLifecycleEvent {
  tenantId: string;
  proxyId: string;
  nodeId: string;
  vmId: string;
  state: ProxyLifecycleState;
  previousState?: ProxyLifecycleState;
  detail?: string;
  restartCount: number;
  occurredAt: string;
}

/** Payload of `fleet.deployment.completed.<tenant>`: every proxy assigned to the VM runs. */
export interface DeploymentCompletedEvent {
  tenantId: string;
  vmId: string;
  vmName: string;
  proxyIds: string[];
  occurredAt: string;
}

/** Payload of `fleet.vm.changed.<tenant>` and `fleet.vm.offline.<tenant>`. */
export interface VmEvent {
  tenantId: string;
  vmId: string;
  name: string;
  action: 'created' | 'deleted' | 'agent-token-issued' | 'registered' | 'offline';
  actor: string;
  occurredAt: string;
}

/** Payload of `fleet.vm.assignments.<tenant>`: a proxy moved onto or off `vmIds`; their agents resync. */
export interface VmAssignmentsEvent {
  tenantId: string;
  vmIds: string[];
  proxyId: string;
  nodeId: string;
  actor: string;
  occurredAt: string;
}

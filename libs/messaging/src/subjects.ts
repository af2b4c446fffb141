/**
 * Every subject the fleet publishes, in one place: `fleet.<area>.<event>.<tenantId>`.
 * Nothing else in the code base spells a subject.
 */

/** The JetStream stream that keeps every fleet event. */
export const FLEET_STREAM = 'FLEET';
export const FLEET_STREAM_SUBJECTS = ['fleet.>'];

export const Subjects = {
  configUpdated: (tenantId: string) => `fleet.config.updated.${tenantId}`,
  /** A proxy rejected (NACKed) config; the payload names the API objects behind it. */
  configRejected: (tenantId: string) => `fleet.config.rejected.${tenantId}`,
  proxyStatus: (tenantId: string) => `fleet.proxy.status.${tenantId}`,
  proxyRegistered: (tenantId: string) => `fleet.proxy.registered.${tenantId}`,
  proxyRemoved: (tenantId: string) => `fleet.proxy.removed.${tenantId}`,
  /** A proxy's tokens were rotated: streams opened with an older one must end. */
  proxyTokenRotated: (tenantId: string) => `fleet.proxy.token-rotated.${tenantId}`,
  tenantCreated: (tenantId: string) => `fleet.tenant.created.${tenantId}`,
  apiKeyChanged: (tenantId: string) => `fleet.apikey.changed.${tenantId}`,
  /** A webhook subscription was created, changed or removed. */
  webhookChanged: (tenantId: string) => `fleet.webhook.changed.${tenantId}`,
  /** A test delivery asked for through the API; delivered only to the subscription it names. */
  webhookTest: (tenantId: string) => `fleet.webhook.test.${tenantId}`,
  /** An Alertmanager alert about the tenant started firing, or resolved (`status`). */
  alert: (status: 'firing' | 'resolved', tenantId: string) => `fleet.alert.${status}.${tenantId}`,
  /** A push to a Git repository, from GitHub's webhook (for GitOps). */
  gitPush: (tenantId: string) => `fleet.git.push.${tenantId}`,
  /** Every tenant's events of one kind, for consumers. */
  allConfigUpdated: 'fleet.config.updated.*',
  allProxyStatus: 'fleet.proxy.status.*',
  allProxyRemoved: 'fleet.proxy.removed.*',
  allProxyTokenRotated: 'fleet.proxy.token-rotated.*',
  /** Every fleet event of every tenant (webhook-service delivers them all). */
  allEvents: 'fleet.>',
} as const;

/** The tenant id at the end of a fleet subject. */
export function tenantOfSubject(subject: string): string {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'fleet') throw new Error(`not a fleet subject: ${subject}`);
  return parts[3];
}

/** Subjects of VMs and the node-agents on them (kept apart from Subjects so edits do not collide). */
export const AgentSubjects = {
  /** A node-agent reported a proxy's container moving to another lifecycle state. */
  proxyLifecycle: (tenantId: string) => `fleet.proxy.lifecycle.${tenantId}`,
  /** Every proxy assigned to a VM runs after its assignments changed. */
  deploymentCompleted: (tenantId: string) => `fleet.deployment.completed.${tenantId}`,
  /** A VM was created, deleted, or got a new agent token. */
  vmChanged: (tenantId: string) => `fleet.vm.changed.${tenantId}`,
  /** A VM missed its heartbeats. */
  vmOffline: (tenantId: string) => `fleet.vm.offline.${tenantId}`,
  /**
   * The proxies assigned to a VM changed; the payload names the VM. Its agent listens here and
   * resyncs. One subject per tenant (not per VM) keeps the `fleet.<area>.<event>.<tenant>` shape
   * that webhook-service and the event metrics rely on.
   */
  vmAssignments: (tenantId: string) => `fleet.vm.assignments.${tenantId}`,
} as const;

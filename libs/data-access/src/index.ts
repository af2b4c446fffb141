export {
  Database,
  DEFAULT_POOL_SIZE,
  type SystemQuery,
  type SystemTx,
  type TenantQuery,
  type TenantTx,
  type Tx,
  type TransactionOptions,
} from './database';
export { DataAccessModule, type DataAccessOptions } from './data-access.module';
export { DatabaseReadiness } from './database-readiness';
export type { Json } from './json';
export type { Revisioned } from './revision';
export { TenantConfigReader } from './tenant-config.reader';
export { ApiKeyRepository, type ApiKeyRecord, type NewApiKey } from './repositories/api-key.repository';
export {
  AuditRepository,
  type AuditEntry,
  type AuditFilters,
  type AuditQuery,
  type AuditRecord,
} from './repositories/audit.repository';
export { CLUSTER_STATEMENTS, ClusterRepository } from './repositories/cluster.repository';
export { ConfigVersionRepository, type ConfigVersionRecord } from './repositories/config-version.repository';
export { FleetKeyRepository, proxyTokenKey, secretsEncryptionKey } from './repositories/fleet-key.repository';
export { ListenerRepository } from './repositories/listener.repository';
export { OutboxRepository, type OutboxMessage } from './repositories/outbox.repository';
export { ProxyStatusRepository, type ProxyTypeStatusUpdate } from './repositories/proxy-status.repository';
export { ProxyRepository, type ProxyRecord } from './repositories/proxy.repository';
export { RouteConfigurationRepository } from './repositories/route-configuration.repository';
export { SecretRepository } from './repositories/secret.repository';
export { TenantRepository } from './repositories/tenant.repository';
export { UserRepository, type NewUser, type UserRecord } from './repositories/user.repository';
export { DatabaseOutboxStore } from './database-outbox-store';
export {
  WebhookDeliveryRepository,
  type NewWebhookDelivery,
  type WebhookAttempt,
  type WebhookAttemptResult,
  type WebhookDeliveryFilters,
  type WebhookDeliveryRecord,
  type WebhookDeliveryStatus,
} from './repositories/webhook-delivery.repository';
export {
  WebhookSubscriptionRepository,
  type NewWebhookSubscription,
  type WebhookSubscriptionPatch,
  type WebhookSubscriptionRecord,
} from './repositories/webhook-subscription.repository';
export { bearerToken, ProxyTokens, type HeaderSource } from './proxy-tokens';
export { ProxyBatchRepository, type ProxyConnection } from './repositories/proxy-batch.repository';
export type { ProxyLifecycle } from './repositories/proxy.repository';
export { VmRepository, type VmRecord, type VmRegistration } from './repositories/vm.repository';
export {
  keysetArgs,
  readPage,
  SORT_ORDERS,
  type KeysetArgs,
  type Page,
  type PagedFields,
  type PageRequest,
  type SortOrder,
} from './paging';
export { PageKeysRepository, type PageKey, type PagedCollection } from './repositories/page-keys.repository';
export {
  IdempotencyKeyRepository,
  type IdempotencyClaim,
  type StoredResponse,
} from './repositories/idempotency-key.repository';
export { ConfigObjectsRepository } from './repositories/config-objects.repository';

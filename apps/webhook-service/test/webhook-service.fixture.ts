import {
  Database,
  TenantRepository,
  WebhookDeliveryRecord,
  WebhookDeliveryRepository,
  WebhookSubscriptionRecord,
  WebhookSubscriptionRepository,
} from '@envoy-fleet/data-access';
import { SecretBox, WebhookKind } from '@envoy-fleet/domain';
import { InProcessEventBus, Subjects } from '@envoy-fleet/messaging';
import { startApp } from '@envoy-fleet/observability';
import { createTestDatabase, type TestDatabase } from '@envoy-fleet/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app as webhookServiceApp } from '../src/app';

export const SECRETS_KEY = randomBytes(32).toString('base64');

/** webhook-service as it runs, on a throw-away PostgreSQL database and the in-process event bus. */
export interface WebhookServiceFixture {
  app: NestFastifyApplication;
  httpUrl: string;
  bus: InProcessEventBus;
  db: Database;
  tenantId: string;
  subscribe(
    kind: WebhookKind,
    url: string,
    eventTypes: string[],
    secret?: string,
  ): Promise<WebhookSubscriptionRecord>;
  deliveries(subscriptionId: string): Promise<WebhookDeliveryRecord[]>;
  close(): Promise<void>;
}

export async function startWebhookService(env: Record<string, string> = {}): Promise<WebhookServiceFixture> {
  const database: TestDatabase = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'webhook-service-'));
  const { app } = await startApp(
    webhookServiceApp,
    {
      HTTP_PORT: '0',
      DATABASE_URL: database.appUrl,
      NATS_URL: '',
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      SECRETS_ENCRYPTION_KEY: SECRETS_KEY,
      WEBHOOK_ALLOWED_TARGETS: 'loopback',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      ...env,
    },
    { shutdownHooks: false },
  );
  const db = Database.connect(database.appUrl);
  const bus = await InProcessEventBus.shared(join(dataDir, 'events'));
  const tenant = await db.asSystem((tx) =>
    new TenantRepository().create(tx, `acme-${randomUUID().slice(0, 8)}`),
  );
  const box = new SecretBox(SECRETS_KEY);
  const httpUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    httpUrl,
    bus,
    db,
    tenantId: tenant.id,
    async subscribe(kind, url, eventTypes, secret = 'a-signing-secret-of-length') {
      const subscription = await db.forTenant(tenant.id, (tx) =>
        new WebhookSubscriptionRepository().create(tx, {
          tenantId: tenant.id,
          name: `hook-${randomUUID().slice(0, 8)}`,
          kind,
          url,
          eventTypes,
          secretSealed: box.seal(secret),
          active: true,
        }),
      );
      // As the API's write would: the service re-reads the tenant's subscriptions on this event.
      const changed = { tenantId: tenant.id, subscriptionId: subscription.id, action: 'created' };
      await bus.publish(Subjects.webhookChanged(tenant.id), changed, randomUUID());
      return subscription;
    },
    deliveries: (subscriptionId) =>
      db.forTenant(tenant.id, (tx) => new WebhookDeliveryRepository().list(tx, tenant.id, subscriptionId)),
    async close() {
      await app.close();
      await bus.close();
      await db.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value, or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

import {
  Database,
  Page,
  PageRequest,
  WebhookDeliveryFilters,
  WebhookDeliveryRecord,
  WebhookDeliveryRepository,
  WebhookSubscriptionRecord,
  WebhookSubscriptionRepository,
} from '@envoy-fleet/data-access';
import { DomainError, Principal } from '@envoy-fleet/domain';
import { Subjects, WebhookChangedEvent, WebhookTestEvent } from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { randomSecret } from '../auth/password';
import { ConfigChangeService } from '../config-changes/config-change.service';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhookSecretsService } from './webhook-secrets.service';

/** A subscription as shown: never its secret or token. */
export type WebhookView = Omit<WebhookSubscriptionRecord, 'secretSealed' | 'tokenSealed'>;

/** A delivery as shown in the log. */
export type WebhookDeliveryView = WebhookDeliveryRecord;

/** Webhook subscriptions of the caller's tenant, their delivery log and redeliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: Database,
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly changes: ConfigChangeService,
    private readonly secrets: WebhookSecretsService,
  ) {}

  /** One page of the tenant's subscriptions, read in one bounded query. */
  async page(principal: Principal, request: PageRequest): Promise<Page<WebhookView>> {
    const page = await this.db.forTenant(principal.tenantId, (tx) =>
      this.subscriptions.page(tx, principal.tenantId, request),
    );
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  async get(principal: Principal, id: string): Promise<WebhookView> {
    return view(
      await this.db.forTenant(principal.tenantId, (tx) => this.subscriptions.get(tx, principal.tenantId, id)),
    );
  }

  /** Answers the secret once; it cannot be read again. */
  async create(principal: Principal, dto: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    const secret = dto.secret ?? randomSecret(32);
    const secretSealed = await this.secrets.seal(secret);
    const tokenSealed = dto.kind === 'github' && dto.token ? await this.secrets.seal(dto.token) : undefined;
    const change = { kind: 'webhook', name: dto.name, action: 'created' } as const;
    return this.changes.record(principal, change, Subjects.webhookChanged(principal.tenantId), async (tx) => {
      const record = await this.subscriptions.create(tx, {
        tenantId: principal.tenantId,
        name: dto.name,
        kind: dto.kind,
        url: dto.url,
        eventTypes: dto.eventTypes,
        secretSealed,
        ...(tokenSealed ? { tokenSealed } : {}),
        ...(dto.kind === 'github' && dto.repository ? { repository: dto.repository } : {}),
        active: dto.active ?? true,
      });
      const shown = view(record);
      return {
        result: { ...shown, secret },
        before: null,
        after: shown,
        event: changed(principal, record.id, 'created'),
      };
    });
  }

  async update(principal: Principal, id: string, dto: UpdateWebhookDto): Promise<WebhookView> {
    const tokenSealed = dto.token ? await this.secrets.seal(dto.token) : undefined;
    const change = { kind: 'webhook', name: id, action: 'updated' } as const;
    return this.changes.record(principal, change, Subjects.webhookChanged(principal.tenantId), async (tx) => {
      const before = view(await this.subscriptions.get(tx, principal.tenantId, id));
      const after = view(
        await this.subscriptions.update(tx, principal.tenantId, id, {
          ...(dto.url !== undefined ? { url: dto.url } : {}),
          ...(dto.eventTypes !== undefined ? { eventTypes: dto.eventTypes } : {}),
          ...(dto.active !== undefined ? { active: dto.active } : {}),
          ...(dto.repository !== undefined ? { repository: dto.repository } : {}),
          ...(tokenSealed ? { tokenSealed } : {}),
        }),
      );
      return { result: after, before, after, event: changed(principal, id, 'updated') };
    });
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const change = { kind: 'webhook', name: id, action: 'deleted' } as const;
    await this.changes.record(principal, change, Subjects.webhookChanged(principal.tenantId), async (tx) => {
      const before = view(await this.subscriptions.delete(tx, principal.tenantId, id));
      return { result: undefined, before, after: null, event: changed(principal, id, 'deleted') };
    });
  }

  /** Publishes a `webhook.test` event that webhook-service delivers to this subscription only. */
  async test(principal: Principal, id: string): Promise<{ subscriptionId: string; eventType: string }> {
    const change = { kind: 'webhook', name: id, action: 'updated' } as const;
    return this.changes.record(principal, change, Subjects.webhookTest(principal.tenantId), async (tx) => {
      await this.subscriptions.get(tx, principal.tenantId, id);
      const event: WebhookTestEvent = {
        tenantId: principal.tenantId,
        subscriptionId: id,
        actor: principal.subject,
        occurredAt: new Date().toISOString(),
      };
      return {
        result: { subscriptionId: id, eventType: 'webhook.test' },
        before: null,
        after: { test: true },
        event,
      };
    });
  }

  /** One page of the subscription's delivery log; NOT_FOUND when the tenant has no such subscription. */
  async deliveryPage(
    principal: Principal,
    subscriptionId: string,
    filters: WebhookDeliveryFilters,
    request: PageRequest,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      await this.subscriptions.get(tx, principal.tenantId, subscriptionId);
      return this.deliveries.page(tx, principal.tenantId, subscriptionId, filters, request);
    });
  }

  async getDelivery(principal: Principal, subscriptionId: string, id: string): Promise<WebhookDeliveryView> {
    return this.db.forTenant(principal.tenantId, async (tx) => {
      const delivery = await this.deliveries.get(tx, principal.tenantId, id);
      if (delivery.subscriptionId !== subscriptionId) throw DomainError.notFound('webhook delivery', id);
      return delivery;
    });
  }

  /** Queues the delivery again with the same delivery id; webhook-service picks it up. */
  redeliver(principal: Principal, subscriptionId: string, id: string): Promise<WebhookDeliveryView> {
    const change = { kind: 'webhook-delivery', name: id, action: 'updated' } as const;
    return this.changes.record(principal, change, Subjects.webhookChanged(principal.tenantId), async (tx) => {
      const existing = await this.deliveries.get(tx, principal.tenantId, id);
      if (existing.subscriptionId !== subscriptionId) throw DomainError.notFound('webhook delivery', id);
      const queued = await this.deliveries.redeliver(tx, principal.tenantId, id);
      return {
        result: queued,
        before: { status: existing.status },
        after: { status: queued.status },
        event: changed(principal, subscriptionId, 'updated'),
      };
    });
  }
}

function view(record: WebhookSubscriptionRecord): WebhookView {
  const { secretSealed: _secret, tokenSealed: _token, ...shown } = record;
  return shown;
}

function changed(
  principal: Principal,
  subscriptionId: string,
  action: WebhookChangedEvent['action'],
): WebhookChangedEvent {
  return {
    tenantId: principal.tenantId,
    subscriptionId,
    action,
    actor: principal.subject,
    occurredAt: new Date().toISOString(),
  };
}

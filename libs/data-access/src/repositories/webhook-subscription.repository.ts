import type { WebhookKind } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import type { SystemTx, Tx } from '../database';
import { existingAs, found, uniqueAs } from '../errors';
import type * as Rows from '../generated/prisma/client';
import type { Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, readPage, scopedKeysetArgs } from '../paging';

const KIND = 'webhook subscription';

/** A subscription as stored; `secretSealed` is the AES-GCM sealed secret (or GitHub token). */
export interface WebhookSubscriptionRecord {
  id: string;
  tenantId: string;
  name: string;
  kind: WebhookKind;
  url: string;
  eventTypes: string[];
  secretSealed: string;
  /** GitHub kind: the sealed token for its API. */
  tokenSealed?: string;
  repository?: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Bumped when what its owner set changes: the ETag. */
  revision: number;
}

/** The fields a subscription is created with. */
export type NewWebhookSubscription = Omit<
  WebhookSubscriptionRecord,
  'id' | 'createdAt' | 'updatedAt' | 'revision'
>;

/** What an update may change. */
export type WebhookSubscriptionPatch = Partial<
  Pick<
    WebhookSubscriptionRecord,
    'url' | 'eventTypes' | 'secretSealed' | 'tokenSealed' | 'repository' | 'active'
  >
>;

function toRecord(row: Rows.WebhookSubscription): WebhookSubscriptionRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    kind: row.kind as WebhookKind,
    url: row.url,
    eventTypes: row.eventTypes,
    secretSealed: row.secretSealed,
    ...(row.tokenSealed ? { tokenSealed: row.tokenSealed } : {}),
    ...(row.repository ? { repository: row.repository } : {}),
    active: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    revision: row.revision,
  };
}

/** A tenant's webhook subscriptions. */
@Injectable()
export class WebhookSubscriptionRepository {
  /** ALREADY_EXISTS when the tenant has one of that name. */
  async create(tx: Tx, subscription: NewWebhookSubscription): Promise<WebhookSubscriptionRecord> {
    return toRecord(
      await uniqueAs(KIND, subscription.name, () => tx.webhookSubscription.create({ data: subscription })),
    );
  }

  async list(tx: Tx, tenantId: string): Promise<WebhookSubscriptionRecord[]> {
    const rows = await tx.webhookSubscription.findMany({
      where: { tenantId },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toRecord);
  }

  /** One page of the tenant's subscriptions by keyset: one query of at most `limit + 1` rows. */
  async page(tx: Tx, tenantId: string, request: PageRequest): Promise<Page<WebhookSubscriptionRecord>> {
    const page = await readPage(request, { name: 'name' }, (args) =>
      tx.webhookSubscription.findMany(
        scopedKeysetArgs<Prisma.WebhookSubscriptionFindManyArgs>(args, { tenantId }),
      ),
    );
    return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
  }

  /** NOT_FOUND when the tenant has no such subscription. */
  async get(tx: Tx, tenantId: string, id: string): Promise<WebhookSubscriptionRecord> {
    return toRecord(found(KIND, id, await tx.webhookSubscription.findFirst({ where: { id, tenantId } })));
  }

  async update(
    tx: Tx,
    tenantId: string,
    id: string,
    patch: WebhookSubscriptionPatch,
  ): Promise<WebhookSubscriptionRecord> {
    await this.get(tx, tenantId, id);
    return toRecord(await tx.webhookSubscription.update({ where: { id }, data: patch }));
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<WebhookSubscriptionRecord> {
    const existing = await this.get(tx, tenantId, id);
    await existingAs(KIND, id, () => tx.webhookSubscription.delete({ where: { id } }));
    return existing;
  }

  /** Every active subscription of every tenant, for the delivery service's matcher. */
  async listActive(tx: SystemTx): Promise<WebhookSubscriptionRecord[]> {
    return (await tx.webhookSubscription.findMany({ where: { active: true } })).map(toRecord);
  }

  /** GitHub subscriptions of `repository` across tenants, for inbound pushes. */
  async findGithubByRepository(tx: SystemTx, repository: string): Promise<WebhookSubscriptionRecord[]> {
    const rows = await tx.webhookSubscription.findMany({
      where: { kind: 'github', repository, active: true },
    });
    return rows.map(toRecord);
  }

  /** Subscriptions by id across tenants (deliveries being retried name theirs). */
  async findByIds(tx: SystemTx, ids: string[]): Promise<WebhookSubscriptionRecord[]> {
    return (await tx.webhookSubscription.findMany({ where: { id: { in: ids } } })).map(toRecord);
  }
}

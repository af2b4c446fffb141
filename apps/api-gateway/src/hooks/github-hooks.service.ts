import { Database, Json, OutboxRepository, WebhookSubscriptionRepository } from '@envoy-fleet/data-access';
import { DomainError, githubSignature, signaturesEqual } from '@envoy-fleet/domain';
import { GitPushEvent, OutboxRelayService, Subjects } from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WebhookSecretsService } from '../webhooks/webhook-secrets.service';

/** The fields of GitHub's push payload that become a fleet event. */
interface GithubPush {
  ref?: string;
  before?: string;
  after?: string;
  repository?: { full_name?: string };
  pusher?: { name?: string };
  commits?: unknown[];
}

/**
 * Inbound GitHub webhooks: a push to a repository some tenant subscribed to (kind `github`),
 * signed with that subscription's secret, becomes `fleet.git.push.<tenant>` (for GitOps).
 */
@Injectable()
export class GithubHooksService {
  constructor(
    private readonly db: Database,
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
    private readonly secrets: WebhookSecretsService,
  ) {}

  /** Returns the tenants the push was published for; UNAUTHENTICATED when no subscription's secret signed it. */
  async push(raw: Buffer, signature: string, push: GithubPush): Promise<string[]> {
    const repository = push.repository?.full_name ?? '';
    const candidates = await this.db.asSystem((tx) =>
      this.subscriptions.findGithubByRepository(tx, repository),
    );
    const tenants = new Set<string>();
    for (const subscription of candidates) {
      const secret = await this.secrets.open(subscription.secretSealed);
      if (signaturesEqual(githubSignature(secret, raw), signature)) tenants.add(subscription.tenantId);
    }
    if (tenants.size === 0) throw new DomainError('UNAUTHENTICATED', 'X-Hub-Signature-256 does not verify');
    for (const tenantId of tenants) {
      const event: GitPushEvent = {
        tenantId,
        repository,
        ref: push.ref ?? '',
        before: push.before ?? '',
        after: push.after ?? '',
        pusher: push.pusher?.name ?? '',
        commits: push.commits?.length ?? 0,
        occurredAt: new Date().toISOString(),
      };
      await this.db.forTenant(tenantId, (tx) =>
        this.outbox.add(tx, tenantId, Subjects.gitPush(tenantId), event as unknown as Json, randomUUID()),
      );
    }
    this.relay.kick();
    return [...tenants];
  }
}

import { ApiKeyRecord, ApiKeyRepository, Database, Page, PageRequest } from '@envoy-fleet/data-access';
import { DomainError, Principal, Role } from '@envoy-fleet/domain';
import { Subjects } from '@envoy-fleet/messaging';
import { Injectable } from '@nestjs/common';
import { forgetApiKey } from '../auth/api-key-verifier';
import { ConfigChangeService } from '../config-changes/config-change.service';
import { newApiKey } from './api-key-format';

/** An API key as shown to people: never its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2, admin: 3 };

/** API keys of the caller's tenant, for machine clients. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly apiKeys: ApiKeyRepository,
    private readonly changes: ConfigChangeService,
  ) {}

  /** One page of the tenant's keys, read in one bounded query. */
  async page(principal: Principal, request: PageRequest): Promise<Page<ApiKeyView>> {
    const page = await this.db.forTenant(principal.tenantId, (tx) =>
      this.apiKeys.page(tx, principal.tenantId, request),
    );
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  /** One key of the tenant (never its secret); NOT_FOUND outside the caller's tenant. */
  async get(principal: Principal, id: string): Promise<ApiKeyView> {
    return view(
      await this.db.forTenant(principal.tenantId, (tx) => this.apiKeys.get(tx, principal.tenantId, id)),
    );
  }

  /** Returns the key's full text once; it cannot be read again. */
  create(
    principal: Principal,
    name: string,
    roles: Role[],
    expiresAt?: Date,
  ): Promise<ApiKeyView & { key: string }> {
    const highest = Math.max(...principal.roles.map((role) => RANK[role]));
    const tooHigh = roles.find((role) => RANK[role] > highest);
    if (tooHigh) throw new DomainError('PERMISSION_DENIED', `cannot grant role '${tooHigh}' above your own`);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw DomainError.invalid('expiresAt', 'expiresAt must be in the future');
    }
    const { key, prefix, secretHash } = newApiKey();
    const change = { kind: 'api-key', name, action: 'created' } as const;
    return this.changes.record(principal, change, Subjects.apiKeyChanged(principal.tenantId), async (tx) => {
      const record = await this.apiKeys.create(tx, {
        tenantId: principal.tenantId,
        name,
        prefix,
        secretHash,
        roles,
        ...(expiresAt ? { expiresAt } : {}),
      });
      const shown = view(record);
      return {
        result: { ...shown, key },
        before: null,
        after: shown,
        event: { tenantId: principal.tenantId, id: record.id, action: 'created' },
      };
    });
  }

  revoke(principal: Principal, id: string): Promise<ApiKeyView> {
    const change = { kind: 'api-key', name: id, action: 'deleted' } as const;
    const subject = Subjects.apiKeyChanged(principal.tenantId);
    const revoked = this.changes.record(principal, change, subject, async (tx) => {
      const record = view(await this.apiKeys.revoke(tx, principal.tenantId, id));
      return {
        result: record,
        before: null,
        after: record,
        event: { tenantId: principal.tenantId, id, action: 'revoked' },
      };
    });
    // After the commit: this replica refuses the key at once (others when its event arrives, within API_KEY_CACHE_MS).
    return revoked.finally(() => forgetApiKey(id));
  }
}

function view(record: ApiKeyRecord): ApiKeyView {
  const { secretHash: _hidden, ...shown } = record;
  return shown;
}

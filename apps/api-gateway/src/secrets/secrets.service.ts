import { Database, Page, PageRequest, Revisioned, SecretRepository } from '@envoy-fleet/data-access';
import { Principal, Secret, SecretMetadata, secretMetadata, secretViolations } from '@envoy-fleet/domain';
import { secretViolationsOfEnvoy } from '@envoy-fleet/xds';
import { Injectable } from '@nestjs/common';
import {
  ConfigReferenceChecker,
  refuseEnvoyViolations,
  refuseInvalid,
  refuseWhileReferenced,
} from '../config-model/config-checks';
import { Committed, ConfigChangeService } from '../config-changes/config-change.service';
import { SecretSealer } from './secret-sealer';

/** A secret as the API shows it: metadata and revision, never the key. */
export type SecretView = SecretMetadata & { revision: number };

function view(secret: Revisioned<Secret>): SecretView {
  return { ...secretMetadata(secret), revision: secret.revision };
}

/** TLS secrets of the caller's tenant: checked on write, keys sealed at rest, served to proxies over SDS. */
@Injectable()
export class SecretsService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretRepository,
    private readonly sealer: SecretSealer,
    private readonly references: ConfigReferenceChecker,
    private readonly changes: ConfigChangeService,
  ) {}

  /** One page of the tenant's secrets, read in one bounded query. */
  async page(principal: Principal, request: PageRequest): Promise<Page<SecretView>> {
    const page = await this.db.forTenant(principal.tenantId, (tx) =>
      this.secrets.page(tx, principal.tenantId, request),
    );
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  async get(principal: Principal, name: string): Promise<SecretView> {
    return view(
      await this.db.forTenant(principal.tenantId, (tx) => this.secrets.get(tx, principal.tenantId, name)),
    );
  }

  async create(principal: Principal, secret: Secret): Promise<Committed<SecretView>> {
    const sealed = await this.checkAndSeal(secret);
    return this.changes.apply(
      principal,
      { kind: 'secret', name: secret.name, action: 'created' },
      async (tx) => {
        const created = view(await this.secrets.create(tx, principal.tenantId, sealed));
        // The audit log gets the metadata only: no key material leaves the secrets table.
        return { result: created, before: null, after: created };
      },
    );
  }

  async replace(principal: Principal, secret: Secret): Promise<Committed<SecretView>> {
    const sealed = await this.checkAndSeal(secret);
    return this.changes.apply(
      principal,
      { kind: 'secret', name: secret.name, action: 'updated' },
      async (tx) => {
        const before = view(await this.secrets.get(tx, principal.tenantId, secret.name));
        const after = view(await this.secrets.update(tx, principal.tenantId, sealed));
        return { result: after, before, after };
      },
    );
  }

  /** Refused while a cluster or listener still uses the secret. */
  remove(principal: Principal, name: string): Promise<Committed<void>> {
    return this.changes.apply(principal, { kind: 'secret', name, action: 'deleted' }, async (tx) => {
      refuseWhileReferenced(
        'secret',
        name,
        await this.references.referrersOf(tx, principal.tenantId, 'secret', name),
      );
      const before = view(await this.secrets.delete(tx, principal.tenantId, name));
      return { result: undefined, before, after: null };
    });
  }

  /** PEM checks (400), Envoy's rules on the rendered Secret (422), then the key sealed for storage. */
  private async checkAndSeal(secret: Secret): Promise<Secret> {
    refuseInvalid(secretViolations(secret));
    refuseEnvoyViolations('Secret', secretViolationsOfEnvoy(secret));
    if (secret.privateKeyPem === undefined) return secret;
    return { ...secret, privateKeyPem: await this.sealer.seal(secret.privateKeyPem) };
  }
}

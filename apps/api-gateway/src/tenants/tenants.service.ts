import {
  AuditRepository,
  Database,
  Json,
  OutboxRepository,
  Page,
  PageRequest,
  TenantRepository,
  UserRepository,
} from '@envoy-fleet/data-access';
import { DomainError, isPlatformAdmin, Principal, Tenant } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/password';
import { OutboxRelayService, Subjects, TenantCreatedEvent } from '@envoy-fleet/messaging';
import { CreateTenantDto } from './dto/tenant.dto';

/** Tenants: created and listed by platform admins; a tenant's members may read their own. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  /** One page of every tenant (a platform admin's view), read in one bounded query. */
  page(request: PageRequest): Promise<Page<Tenant>> {
    return this.db.asSystem((tx) => this.tenants.page(tx, request));
  }

  get(principal: Principal, id: string): Promise<Tenant> {
    // Someone else's tenant is reported missing, not forbidden: its existence is not theirs to learn.
    if (!isPlatformAdmin(principal) && principal.tenantId !== id) throw DomainError.notFound('tenant', id);
    return this.db.asSystem((tx) => this.tenants.get(tx, id));
  }

  /** Creates the tenant and, if given, its first owner, in one transaction (a new tenant is a system act). */
  async create(principal: Principal, dto: CreateTenantDto): Promise<Tenant> {
    const passwordHash = dto.owner ? await hashPassword(dto.owner.password) : undefined;
    const tenant = await this.db.asSystem(async (tx) => {
      const created = await this.tenants.create(tx, dto.name);
      if (dto.owner && passwordHash) {
        await this.users.create(tx, {
          tenantId: created.id,
          email: dto.owner.email.toLowerCase(),
          passwordHash,
          roles: ['owner'],
        });
      }
      const after = { id: created.id, name: created.name, owner: dto.owner?.email ?? null };
      await this.audit.add(tx, {
        tenantId: created.id,
        actor: principal.subject,
        action: 'created',
        kind: 'tenant',
        name: created.name,
        after,
      });
      const event: TenantCreatedEvent = {
        tenantId: created.id,
        name: created.name,
        actor: principal.subject,
        occurredAt: new Date().toISOString(),
      };
      await this.outbox.add(
        tx,
        created.id,
        Subjects.tenantCreated(created.id),
        event as unknown as Json,
        randomUUID(),
      );
      return created;
    });
    this.relay.kick();
    return tenant;
  }
}

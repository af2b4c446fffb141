import { AuditRecord, AuditRepository, Database, Page } from '@envoy-fleet/data-access';
import { DomainError, Principal } from '@envoy-fleet/domain';
import { Controller, Get, Query } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { pageRequestOf } from '../common/list-query.dto';
import { AuditQueryDto } from './dto/audit-query.dto';

/** One audited write: who did what to which object, when, and the object before and after. */
export type AuditEntryView = Omit<AuditRecord, 'tenantId'>;

/** `GET /v1/audit`: the caller's tenant's audit log, newest first unless sorted otherwise. */
@Controller('v1/audit')
@Authenticated()
export class AuditController {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepository,
  ) {}

  @Get()
  @Roles('admin', 'owner')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AuditQueryDto,
  ): Promise<Page<AuditEntryView>> {
    const since = query.since ? new Date(query.since) : undefined;
    const until = query.until ? new Date(query.until) : undefined;
    if (since && until && since >= until) throw DomainError.invalid('until', 'must be after since');
    const filters = {
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    };
    const page = await this.db.forTenant(principal.tenantId, (tx) =>
      this.audit.page(tx, principal.tenantId, filters, pageRequestOf(query, '-createdAt')),
    );
    return { items: page.items.map(({ tenantId: _tenant, ...entry }) => entry), nextCursor: page.nextCursor };
  }
}

import { Injectable } from '@nestjs/common';
import type { Tx } from '../database';
import { found } from '../errors';
import type * as Rows from '../generated/prisma/client';
import { fromJson, type Json } from '../json';

/** One committed version of a tenant's config: who made it and what changed. */
export interface ConfigVersionRecord {
  tenantId: string;
  version: number;
  actor: string;
  summary: Json;
  createdAt: Date;
}

function toConfigVersion(row: Rows.ConfigVersion): ConfigVersionRecord {
  return {
    tenantId: row.tenantId,
    version: row.version,
    actor: row.actor,
    summary: fromJson(row.summary),
    createdAt: row.createdAt,
  };
}

/** The tenant's config version history; versions count up from 1 with no gaps. */
@Injectable()
export class ConfigVersionRepository {
  /**
   * Records the next version of the tenant's config. Locks the tenant row, so concurrent writers
   * of one tenant queue up and each gets its own number (other tenants are not blocked). NO KEY
   * UPDATE, not UPDATE: the rows the transaction already inserted hold KEY SHARE locks on the
   * tenant row (foreign keys), and two writers upgrading those to UPDATE deadlock.
   */
  async create(tx: Tx, tenantId: string, actor: string, summary: Json = {}): Promise<ConfigVersionRecord> {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM tenants WHERE id = ${tenantId}::uuid FOR NO KEY UPDATE`;
    found('tenant', tenantId, locked[0] ?? null);
    const version = (await this.current(tx, tenantId)) + 1;
    const row = await tx.configVersion.create({
      data: {
        tenantId,
        version,
        actor,
        summary: summary === null ? {} : (summary as Rows.Prisma.InputJsonValue),
      },
    });
    return toConfigVersion(row);
  }

  /** The tenant's latest version, 0 before the first write. */
  async current(tx: Tx, tenantId: string): Promise<number> {
    const agg = await tx.configVersion.aggregate({ where: { tenantId }, _max: { version: true } });
    return agg._max.version ?? 0;
  }

  /** One version; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, version: number): Promise<ConfigVersionRecord> {
    const row = await tx.configVersion.findUnique({ where: { tenantId_version: { tenantId, version } } });
    return toConfigVersion(found('config-version', String(version), row));
  }

  /** The newest versions first. */
  async list(tx: Tx, tenantId: string, limit = 50): Promise<ConfigVersionRecord[]> {
    const rows = await tx.configVersion.findMany({
      where: { tenantId },
      orderBy: { version: 'desc' },
      take: limit,
    });
    return rows.map(toConfigVersion);
  }
}

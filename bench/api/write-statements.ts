// The statements of a cluster create besides the cluster's own (CLUSTER_STATEMENTS.createOne), as
// api-gateway makes them, for the bare server and the PostgreSQL-alone measurement.

/** As TenantRepository.lockForWriteWithQuotas: the tenant lock, with its quotas. */
export const LOCK_TENANT = 'SELECT quotas FROM tenants WHERE id = $1::uuid FOR NO KEY UPDATE';

/** As TenantRepository.countOf for the cluster quota. */
export const COUNT_CLUSTERS = 'SELECT count(*)::int FROM clusters WHERE tenant_id = $1::uuid';

/**
 * As ConfigVersionRepository.createWithAuditAndEvent (a Prisma template there): the next version,
 * the audit row and the outbox event in one statement. $1 tenant, $2 actor, $3 summary, $4 name,
 * $5 the audit's after, $6 subject, $7 payload, $8 msg id.
 */
export const RECORD_CHANGE = `
  WITH version AS (
    INSERT INTO config_versions (tenant_id, version, actor, summary)
    SELECT $1::uuid, coalesce(max(version), 0) + 1, $2, $3::jsonb
      FROM config_versions WHERE tenant_id = $1::uuid
    RETURNING version
  ), audit AS (
    INSERT INTO audit_logs (tenant_id, actor, action, kind, name, before, after, request_id)
    VALUES ($1::uuid, $2, 'created', 'cluster', $4, NULL, $5::jsonb, NULL)
  ), event AS (
    INSERT INTO outbox_events (tenant_id, subject, payload, msg_id, headers)
    SELECT $1::uuid, $6, jsonb_set($7::jsonb, '{version}', to_jsonb(version.version)), $8::uuid, '{}'::jsonb
      FROM version
  )
  SELECT version FROM version`;

/** Endpoints as CLUSTER_STATEMENTS.createOne takes them ($7), with api-gateway's defaults. */
export function endpointRows(endpoints: { address: string; port: number }[]): string {
  return JSON.stringify(
    endpoints.map((e) => ({
      ...e,
      weight: 1,
      priority: 0,
      region: '',
      zone: '',
      subZone: '',
      healthStatus: 'UNKNOWN',
    })),
  );
}

import { Client } from 'pg';

/** The tables a write of the API can touch: config rows, their audit trail, events and versions. */
export const WRITTEN_TABLES = [
  'tenants',
  'users',
  'api_keys',
  'proxies',
  'clusters',
  'endpoints',
  'route_configurations',
  'listeners',
  'outbox_events',
  'audit_logs',
  'config_versions',
] as const;

export type RowCounts = Record<(typeof WRITTEN_TABLES)[number], number>;

/** Counts rows as the database superuser (past row-level security), to prove what a request wrote. */
export class RowCounter {
  private constructor(private readonly client: Client) {}

  static async connect(adminUrl: string): Promise<RowCounter> {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    return new RowCounter(client);
  }

  async counts(): Promise<RowCounts> {
    const selects = WRITTEN_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(
      ', ',
    );
    const { rows } = await this.client.query<RowCounts>(`SELECT ${selects}`);
    const [counts] = rows;
    if (!counts) throw new Error('row counts: no row');
    return counts;
  }

  /** Rows of each table that `action` added (negative when it removed some). */
  async delta<T>(action: () => Promise<T>): Promise<{ result: T; added: Partial<RowCounts> }> {
    const before = await this.counts();
    const result = await action();
    const after = await this.counts();
    const added: Partial<RowCounts> = {};
    for (const table of WRITTEN_TABLES)
      if (after[table] !== before[table]) added[table] = after[table] - before[table];
    return { result, added };
  }

  /** The newest audit row: what the API says it just did. */
  async lastAudit(): Promise<{ action: string; kind: string; name: string } | undefined> {
    const { rows } = await this.client.query<{ action: string; kind: string; name: string }>(
      'SELECT action, kind, name FROM audit_logs ORDER BY created_at DESC, id LIMIT 1',
    );
    return rows[0];
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

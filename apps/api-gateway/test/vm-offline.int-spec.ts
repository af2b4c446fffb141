import { Database, OutboxRepository, TenantRepository, VmRepository } from '@envoy-fleet/data-access';
import { AgentSubjects, OutboxRelayService } from '@envoy-fleet/messaging';
import { createTestDatabase, TestDatabase } from '@envoy-fleet/testing';
import { Client } from 'pg';
import { VmOfflineSweeper } from '../src/vms/vm-offline.sweeper';
import { VM_OFFLINE_AFTER_MS } from '../src/vms/vm-view';

describe(VmOfflineSweeper.name, () => {
  let database: TestDatabase;
  let db: Database;
  const vms = new VmRepository();
  let kicks = 0;
  const relay = { kick: () => (kicks += 1) } as unknown as OutboxRelayService;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = Database.connect(database.appUrl);
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('marks VMs silent for too long offline and queues one fleet.vm.offline event per outage', async () => {
    const tenant = await db.asSystem((tx) => new TenantRepository().create(tx, 'sweep-tenant'));
    const now = new Date();
    const [silent, fresh] = await db.forTenant(tenant.id, async (tx) => {
      const registration = { hostname: 'h', agentVersion: '1', capacity: {} };
      const a = await vms.create(tx, tenant.id, 'silent', {});
      await vms.register(
        tx,
        tenant.id,
        a.id,
        registration,
        new Date(now.getTime() - VM_OFFLINE_AFTER_MS - 1000),
      );
      const b = await vms.create(tx, tenant.id, 'fresh', {});
      await vms.register(tx, tenant.id, b.id, registration, now);
      return [a, b];
    });
    const sweeper = new VmOfflineSweeper(db, vms, new OutboxRepository(), relay);

    expect(await sweeper.sweep(now)).toBe(1);
    expect(await sweeper.sweep(now)).toBe(0);
    const stored = await db.forTenant(tenant.id, (tx) => vms.list(tx, tenant.id));
    expect(stored.map((vm) => [vm.name, vm.status])).toEqual([
      ['fresh', 'online'],
      ['silent', 'offline'],
    ]);
    const client = new Client({ connectionString: database.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ subject: string; payload: { vmId: string } }>(
      'SELECT subject, payload FROM outbox_events WHERE subject = $1',
      [AgentSubjects.vmOffline(tenant.id)],
    );
    await client.end();
    expect(rows.map((row) => row.payload.vmId)).toEqual([silent.id]);
    expect(kicks).toBe(1);
    expect(fresh.id).not.toBe(silent.id);

    // A heartbeat brings it back; the next outage is another event.
    await db.forTenant(tenant.id, (tx) => vms.heartbeat(tx, tenant.id, silent.id, now));
    const later = new Date(now.getTime() + VM_OFFLINE_AFTER_MS + 1000);
    expect(await sweeper.sweep(later)).toBe(2);
  }, 30_000);
});

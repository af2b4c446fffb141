import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterRepository, Database, TenantRepository } from '../src';
import { sampleCluster } from './fixtures';

// What only the embedded database has: a folder on disk, shared within a process, locked against others.
describe('Database.embedded', () => {
  let dir: string;
  const tenants = new TenantRepository();
  const clusters = new ClusterRepository();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-embedded-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data in the folder across a restart', async () => {
    const first = await Database.embedded(dir);
    const tenant = await first.asSystem((tx) => tenants.create(tx, 'kept'));
    await first.forTenant(tenant.id, (tx) => clusters.create(tx, tenant.id, sampleCluster('kept-backend')));
    await first.close();

    const second = await Database.embedded(dir);
    const names = await second.forTenant(tenant.id, async (tx) =>
      (await clusters.list(tx, tenant.id)).map((c) => c.name),
    );
    await second.close();
    expect(names).toEqual(['kept-backend']);
  }, 60_000);

  it('is one database for every app of the process, closed when the last one lets go', async () => {
    const [api, xds] = [await Database.embedded(dir), await Database.embedded(dir)];
    const tenant = await api.asSystem((tx) => tenants.create(tx, 'shared'));
    await api.close();
    const seen = await xds.asSystem((tx) => tx.tenant.count({ where: { id: tenant.id } }));
    expect(seen).toBe(1);
    await xds.close();
    const again = await Database.embedded(dir);
    await again.close();
  }, 60_000);

  it('refuses a folder another running process holds, naming it and the way out', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      mkdirSync(join(dir, 'postgres'));
      writeFileSync(join(dir, 'postgres', 'fleet.lock'), String(holder.pid));
      await expect(Database.embedded(dir)).rejects.toThrow(
        new RegExp(`in use by process ${holder.pid}.*npm start.*DATABASE_URL`),
      );
    } finally {
      holder.kill();
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => gone.once('exit', done));
    mkdirSync(join(dir, 'postgres'));
    writeFileSync(join(dir, 'postgres', 'fleet.lock'), String(gone.pid));
    const database = await Database.embedded(dir);
    await expect(database.ping()).resolves.toBeUndefined();
    await database.close();
  }, 60_000);
});

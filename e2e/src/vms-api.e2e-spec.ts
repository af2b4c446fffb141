import { ApiClient } from '../support/api-client';
import { Fleet } from '../support/fleet';
import { expectProblem } from '../support/problems';

interface Vm {
  id: string;
  name: string;
  status: string;
  agentTokenIssued: boolean;
  proxies?: { id: string; nodeId: string; lifecycle?: { state: string; restartCount: number } }[];
}

// The VM API and the agent endpoints, as tenants and node-agents use them (no engine needed).
describe('VMs and node-agent endpoints', () => {
  let fleet: Fleet;
  let a: { tenantId: string; owner: ApiClient };
  let b: { tenantId: string; owner: ApiClient };
  let vm: Vm;
  let token: string;
  const agent = () => fleet.client().withToken(token);

  beforeAll(async () => {
    fleet = await Fleet.start();
    [a, b] = [await fleet.tenantOwner('vm-a'), await fleet.tenantOwner('vm-b')];
    const created = await a.owner.post<Vm>('/v1/vms', { name: 'vm-1', labels: { zone: 'a' } });
    expect(created.status).toBe(201);
    vm = created.body;
    token = (await a.owner.post<{ token: string }>(`/v1/vms/${vm.id}/agent-token`, {})).body.token;
  }, 60_000);
  afterAll(() => fleet?.stop(), 30_000);

  it('answers 400 naming the field for bad input, 409 for a taken name, and writes nothing', async () => {
    expectProblem(await a.owner.post('/v1/vms', { name: 'no spaces' }), 400, 'name');
    expectProblem(
      await a.owner.post('/v1/vms', { name: 'ok', labels: { 'bad key!': 'x' } }),
      400,
      'labels.bad key!',
    );
    expectProblem(await a.owner.post('/v1/vms', { name: 'vm-1' }), 409);
    expectProblem(await a.owner.post('/v1/proxies', { nodeId: 'x-1', vmId: 'not-a-uuid' }), 400, 'vmId');
    const listed = await a.owner.get<{ items: Vm[] }>('/v1/vms');
    expect(listed.body.items.map((v) => v.name)).toEqual(['vm-1']);
    expect(listed.body.items[0]).toMatchObject({ status: 'pending', agentTokenIssued: true });
  }, 30_000);

  it('keeps VMs inside their tenant', async () => {
    expectProblem(await b.owner.get(`/v1/vms/${vm.id}`), 404);
    expectProblem(await b.owner.post(`/v1/vms/${vm.id}/agent-token`, {}), 404);
    expectProblem(await b.owner.post('/v1/proxies', { nodeId: 'b-node', vmId: vm.id }), 422, 'vmId');
    expect((await b.owner.get<{ items: Vm[] }>('/v1/vms')).body.items).toEqual([]);
  }, 30_000);

  it('lets agents in only with a current agent token', async () => {
    expectProblem(await fleet.client().post('/v1/agent/heartbeat', {}), 401);
    expectProblem(await fleet.client().withToken('fat.bogus.sig').post('/v1/agent/heartbeat', {}), 401);
    const proxyToken = await fleet.proxyToken(
      a.owner,
      (await a.owner.post<{ id: string }>('/v1/proxies', { nodeId: 'a-tok' })).body.id,
    );
    expectProblem(await fleet.client().withToken(proxyToken).post('/v1/agent/heartbeat', {}), 401);
    expect((await agent().post('/v1/agent/heartbeat', {})).status).toBe(204);
  }, 30_000);

  it('registers, lists the assigned proxies with bootstraps, and records lifecycle reports', async () => {
    const registered = await agent().post<{ proxies: unknown[] }>('/v1/agent/register', {
      hostname: 'vm-1.internal',
      agentVersion: '0.1.0',
      capacity: { cpus: 2 },
    });
    expect(registered.status).toBe(200);
    expect(registered.body.proxies).toEqual([]);
    expectProblem(
      await agent().post('/v1/agent/register', { hostname: '', agentVersion: '1' }),
      400,
      'hostname',
    );

    const proxy = await a.owner.post<{ id: string }>('/v1/proxies', { nodeId: 'a-edge', vmId: vm.id });
    expect(proxy.status).toBe(201);
    const assigned = await agent().get<{
      proxies: { id: string; nodeId: string; bootstrap: { node: { id: string } } }[];
    }>('/v1/agent/proxies');
    expect(assigned.body.proxies.map((p) => [p.id, p.bootstrap.node.id])).toEqual([
      [proxy.body.id, 'a-edge'],
    ]);

    expectProblem(
      await agent().post(`/v1/agent/proxies/${proxy.body.id}/lifecycle`, {
        state: 'exploded',
        restartCount: 0,
      }),
      400,
      'state',
    );
    const reported = await agent().post(`/v1/agent/proxies/${proxy.body.id}/lifecycle`, {
      state: 'running',
      restartCount: 2,
    });
    expect(reported.status).toBe(200);
    const shown = await a.owner.get<Vm & { lifecycle: unknown }>(`/v1/proxies/${proxy.body.id}`);
    expect(shown.body).toMatchObject({ vmId: vm.id, lifecycle: { state: 'running', restartCount: 2 } });
    const detail = await a.owner.get<Vm>(`/v1/vms/${vm.id}`);
    expect(detail.body).toMatchObject({ status: 'online', hostname: 'vm-1.internal', agentVersion: '0.1.0' });
    expect(detail.body.proxies?.map((p) => p.lifecycle?.state)).toEqual(['running']);

    // A proxy of another VM (or none) of the tenant is not this agent's to report on.
    const other = await a.owner.post<Vm>('/v1/vms', { name: 'vm-2' });
    const elsewhere = await a.owner.post<{ id: string }>('/v1/proxies', {
      nodeId: 'a-other',
      vmId: other.body.id,
    });
    expectProblem(
      await agent().post(`/v1/agent/proxies/${elsewhere.body.id}/lifecycle`, {
        state: 'running',
        restartCount: 0,
      }),
      403,
    );
  }, 30_000);

  it('revokes the old agent token when a new one is issued, and all of them when the VM is deleted', async () => {
    const old = token;
    token = (await a.owner.post<{ token: string }>(`/v1/vms/${vm.id}/agent-token`, {})).body.token;
    expectProblem(await fleet.client().withToken(old).post('/v1/agent/heartbeat', {}), 401);
    expect((await agent().post('/v1/agent/heartbeat', {})).status).toBe(204);
    expect((await a.owner.delete(`/v1/vms/${vm.id}`)).status).toBe(204);
    expectProblem(await agent().post('/v1/agent/heartbeat', {}), 401);
    const orphan = await a.owner.get<{ items: { nodeId: string; vmId?: string }[] }>('/v1/proxies');
    expect(orphan.body.items.find((p) => p.nodeId === 'a-edge')?.vmId).toBeUndefined();
  }, 30_000);
});

import { ProxiesService } from '../src/proxies/proxies.service';
import { ApiTestApp, TestClient } from './support/api-test-app';

// Two-core machine shared with other test runs: requests can take seconds under load.
jest.setTimeout(30_000);

describe(ProxiesService.name, () => {
  let api: ApiTestApp;
  let ownerA: TestClient;
  let ownerB: TestClient;

  beforeAll(async () => {
    api = await ApiTestApp.start();
    ({ owner: ownerA } = await api.tenantOwner('node-ids-a'));
    ({ owner: ownerB } = await api.tenantOwner('node-ids-b'));
  }, 90_000);

  afterAll(() => api?.stop());

  it("registers a node id another tenant holds (201 both: no tenant learns of the other's), and refuses it twice in one tenant (409)", async () => {
    const inA = await ownerA.post<{ id: string; nodeId: string }>('/v1/proxies', { nodeId: 'shared-node' });
    const inB = await ownerB.post<{ id: string; nodeId: string }>('/v1/proxies', { nodeId: 'shared-node' });
    expect([inA.status, inB.status]).toEqual([201, 201]);
    expect(inA.body.id).not.toBe(inB.body.id);

    const again = await ownerA.post('/v1/proxies', { nodeId: 'shared-node' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_EXISTS' });

    // Each tenant sees only its own proxy of that node id.
    const listed = async (owner: TestClient) =>
      (await owner.get<{ items: { id: string }[] }>('/v1/proxies?name=shared-node')).body.items.map(
        (p) => p.id,
      );
    expect(await listed(ownerA)).toEqual([inA.body.id]);
    expect(await listed(ownerB)).toEqual([inB.body.id]);
    // Removing A's leaves B's, and frees the node id in A again.
    expect((await ownerA.request('DELETE', `/v1/proxies/${inA.body.id}`)).status).toBe(204);
    expect((await ownerB.get(`/v1/proxies/${inB.body.id}`)).status).toBe(200);
    expect((await ownerA.post('/v1/proxies', { nodeId: 'shared-node' })).status).toBe(201);
  });
});

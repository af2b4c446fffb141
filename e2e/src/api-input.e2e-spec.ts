import { ApiClient, ApiResponse } from '../support/api-client';
import { Refusal, RefusalCallers, refusals, routeTo } from '../support/bad-requests';
import { ADMIN, Fleet } from '../support/fleet';
import { expectProblem } from '../support/problems';
import { RowCounter } from '../support/row-counts';
import { FLEET_JWT_SECRET } from '../support/fleet';
import { createApiKey, exchangeApiKey, ownerClaims, signHs256 } from '../support/tokens';

const MISSING_ID = '6f1d3c52-8a4e-4b0e-9c1a-2d7e5b9f0a11';

describe('The API refuses bad input with a clear 4xx and writes nothing', () => {
  let fleet: Fleet;
  let rows: RowCounter;
  let tenantId: string;
  let owner: ApiClient;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let viewer: ApiClient;
  let editor: ApiClient;
  let seedVersion: number;
  /** Filled in beforeAll; the catalogue's requests read it only when they are sent. */
  const callers = {} as RefusalCallers;

  beforeAll(async () => {
    fleet = await Fleet.start();
    rows = await RowCounter.connect(fleet.database.adminUrl);
    ({ tenantId, owner } = await fleet.tenantOwner('input-team'));
    anonymous = fleet.client();
    admin = await anonymous.login(ADMIN.email, ADMIN.password);
    await owner.post('/v1/clusters', { name: 'seed', endpoints: [{ address: '10.0.0.1', port: 8080 }] });
    await owner.post('/v1/route-configurations', { name: 'seed-routes', ...routeTo({ prefix: '/' }) });
    const listener = await owner.post('/v1/listeners', {
      name: 'seed-listener',
      routeConfigName: 'seed-routes',
    });
    seedVersion = Number(listener.headers.get('x-fleet-config-version'));
    expect((await owner.post('/v1/proxies', { nodeId: 'seed-node' })).status).toBe(201);
    const exchange = async (role: string) =>
      anonymous.withToken(
        (await exchangeApiKey(anonymous, (await createApiKey(owner, role, [role])).key)).body.accessToken,
      );
    [viewer, editor] = [await exchange('viewer'), await exchange('editor')];
    const revoked = await createApiKey(owner, 'revoked', ['editor']);
    expect((await owner.delete(`/v1/api-keys/${revoked.id}`)).status).toBe(200);
    Object.assign(callers, { tenantId, owner, admin, anonymous, viewer, editor, revokedKey: revoked.key });
  }, 60_000);

  afterAll(async () => {
    await rows?.close();
    await fleet?.stop();
  });

  // Rest parameters: jest would take a fourth named parameter for `done` on rows without a field.
  it.each(refusals(callers))('%s', async (...[, send, status, field]: Refusal) => {
    const { result, added } = await rows.delta(send);
    expectProblem(result, status, field);
    expect(added).toEqual({});
  });

  it('a missing required list is reported as missing, not as too long', async () => {
    const { result, added } = await rows.delta(() => owner.put('/v1/clusters/seed/endpoints', {}));
    expectProblem(result, 400, 'endpoints');
    expect((result.body as { detail: string }).detail).toMatch(
      /required|must be an array|should not be (empty|null)|defined/i,
    );
    expect(added).toEqual({});
  });

  it('two virtual hosts claiming the same domain are refused (Envoy would NACK the route configuration)', async () => {
    const hosts = ['one', 'two'].map((name) => ({
      name,
      domains: ['*'],
      routes: [{ match: { prefix: '/' }, action: { cluster: 'seed' } }],
    }));
    const { result, added } = await rows.delta(() =>
      owner.post('/v1/route-configurations', { name: 'dup-domains', virtualHosts: hosts }),
    );
    expectProblem(result, 400);
    expect(added).toEqual({});
  });

  it.each([
    ['cluster', '/v1/clusters/nowhere'],
    ['route configuration', '/v1/route-configurations/nowhere'],
    ['listener', '/v1/listeners/nowhere'],
    ['proxy', `/v1/proxies/${MISSING_ID}`],
    ['tenant', `/v1/tenants/${MISSING_ID}`],
  ])('GET of a missing %s is a 404', async (_kind, path) => {
    // A missing tenant is asked for by the admin: an owner gets 404 for any tenant not its own anyway.
    expectProblem(await (path.startsWith('/v1/tenants') ? admin : owner).get(path), 404);
  });

  it('GET of a proxy by a non-UUID id is a 400 naming the id', async () => {
    expectProblem(await owner.get('/v1/proxies/not-a-uuid'), 400, 'id');
  });

  it('the refused delete left the cluster in place', async () => {
    expect((await owner.get('/v1/clusters/seed')).status).toBe(200);
  });

  it('control: a well-signed token, and a viewer reading, are accepted', async () => {
    expect(
      (await anonymous.withToken(signHs256(ownerClaims(tenantId), FLEET_JWT_SECRET)).get('/v1/clusters'))
        .status,
    ).toBe(200);
    expect((await viewer.get('/v1/clusters/seed')).status).toBe(200);
  });

  it('full CRUD of a cluster: one config version, one audit row and one outbox event per write', async () => {
    const versions: number[] = [];
    const write = async (send: () => Promise<ApiResponse>, status: number, action: string, added: object) => {
      const { result, added: rowsAdded } = await rows.delta(send);
      expect(result.status).toBe(status);
      expect(rowsAdded).toEqual({ ...added, audit_logs: 1, outbox_events: 1, config_versions: 1 });
      expect(await rows.lastAudit()).toEqual({ action, kind: 'cluster', name: 'crud' });
      versions.push(Number(result.headers.get('x-fleet-config-version')));
      return result;
    };
    const endpoint = (port: number) => ({ address: '10.1.0.1', port });

    const created = await write(
      () => owner.post('/v1/clusters', { name: 'crud', endpoints: [endpoint(80)] }),
      201,
      'created',
      { clusters: 1, endpoints: 1 },
    );
    expect(created.body).toMatchObject({
      name: 'crud',
      lbPolicy: 'ROUND_ROBIN',
      endpoints: [{ address: '10.1.0.1', port: 80, weight: 1 }],
    });
    expect((await owner.get('/v1/clusters/crud')).body).toMatchObject({
      name: 'crud',
      endpoints: [{ port: 80 }],
    });
    const listed = await owner.get<{ items: { name: string }[] }>('/v1/clusters');
    expect(listed.body.items.map((c) => c.name).sort()).toEqual(['crud', 'seed']);

    await write(
      () => owner.put('/v1/clusters/crud', { lbPolicy: 'LEAST_REQUEST', endpoints: [endpoint(81)] }),
      200,
      'updated',
      {},
    );
    expect((await owner.get('/v1/clusters/crud')).body).toMatchObject({
      lbPolicy: 'LEAST_REQUEST',
      endpoints: [{ port: 81 }],
    });

    await write(
      () => owner.put('/v1/clusters/crud/endpoints', { endpoints: [endpoint(82), endpoint(83)] }),
      200,
      'updated',
      { endpoints: 1 },
    );
    const replaced = await owner.get<{ lbPolicy: string; endpoints: { port: number }[] }>(
      '/v1/clusters/crud',
    );
    expect({
      lbPolicy: replaced.body.lbPolicy,
      ports: replaced.body.endpoints.map((e) => e.port).sort(),
    }).toEqual({
      lbPolicy: 'LEAST_REQUEST',
      ports: [82, 83],
    });

    const deleted = await write(() => owner.delete('/v1/clusters/crud'), 204, 'deleted', {
      clusters: -1,
      endpoints: -2,
    });
    expect(deleted.body).toEqual({});
    expectProblem(await owner.get('/v1/clusters/crud'), 404);
    expect(versions[0]).toBeGreaterThan(seedVersion);
    expect(versions.map((version) => version - (versions[0] ?? 0))).toEqual([0, 1, 2, 3]);
  });
});

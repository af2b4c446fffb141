import { selfSigned } from '@envoy-fleet/testing';
import { Client } from 'pg';
import { ApiTestApp, TestClient, TestResponse } from './api-test-app';

/** The tables a refused config write must leave as they were. */
const TABLES = [
  'clusters',
  'listeners',
  'route_configurations',
  'secrets',
  'config_versions',
  'outbox_events',
];

/** A problem answer with `status`, naming `field` among its errors when given. */
export function expectProblem(response: TestResponse, status: number, field?: string): void {
  const fields = (response.body as { errors?: { field: string }[] }).errors?.map((e) => e.field);
  expect({ status: response.status, fields }).toEqual({
    status,
    fields: field === undefined ? undefined : expect.arrayContaining([field]),
  });
}

/** api-gateway on its own database with one tenant's owner, and SQL to check what was written. */
export class ConfigModelApi {
  private constructor(
    readonly api: ApiTestApp,
    readonly owner: TestClient,
    readonly sql: Client,
  ) {}

  static async start(tenant: string): Promise<ConfigModelApi> {
    const api = await ApiTestApp.start();
    const { owner } = await api.tenantOwner(tenant);
    const sql = new Client({ connectionString: api.database.adminUrl });
    await sql.connect();
    return new ConfigModelApi(api, owner, sql);
  }

  async stop(): Promise<void> {
    await this.sql.end();
    await this.api.stop();
  }

  /** Rows in each config table. */
  async counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      result[table] = Number((await this.sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    }
    return result;
  }

  /** Sends a request that must be refused, and checks it wrote nothing. */
  async refused(send: () => Promise<TestResponse>, status: number, field?: string): Promise<TestResponse> {
    const before = await this.counts();
    const response = await send();
    expectProblem(response, status, field);
    expect(await this.counts()).toEqual(before);
    return response;
  }
}

/** The certificates the fixtures' secrets hold: `site-cert` (with its key) and `client-ca`. */
export interface Certificates {
  site: { cert: string; key: string };
  other: { cert: string; key: string };
}

export function certificates(): Certificates {
  return { site: selfSigned('api.example.com'), other: selfSigned('other.example.com') };
}

async function created(response: Promise<TestResponse>): Promise<void> {
  const answer = await response;
  expect({ status: answer.status, body: answer.status === 201 ? undefined : answer.body }).toEqual({
    status: 201,
    body: undefined,
  });
}

/** A plain cluster with one endpoint. */
export function createCluster(owner: TestClient, name: string, address = '10.0.0.1', port = 80) {
  return created(owner.post('/v1/clusters', { name, endpoints: [{ address, port }] }));
}

/** `site-cert` (a TLS certificate with its key) and `client-ca` (a validation context). */
export async function createSecrets(owner: TestClient, certs: Certificates): Promise<void> {
  await created(
    owner.post('/v1/secrets', {
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      certificatePem: certs.site.cert,
      privateKeyPem: certs.site.key,
    }),
  );
  await created(
    owner.post('/v1/secrets', {
      name: 'client-ca',
      type: 'VALIDATION_CONTEXT',
      certificatePem: certs.other.cert,
    }),
  );
}

/** `site-routes`: everything for api.example.com to the cluster `web`. */
export function createSiteRoutes(owner: TestClient) {
  return created(
    owner.post('/v1/route-configurations', {
      name: 'site-routes',
      virtualHosts: [
        {
          name: 'site',
          domains: ['api.example.com'],
          routes: [{ match: { prefix: '/' }, action: { cluster: 'web' } }],
        },
      ],
    }),
  );
}

/** `edge`: port 8443, SNI api.example.com, TLS with `site-cert` and `client-ca`, to `site-routes`. */
export function createEdgeListener(owner: TestClient) {
  return created(
    owner.post('/v1/listeners', {
      name: 'edge',
      port: 8443,
      filterChains: [
        {
          serverNames: ['api.example.com'],
          tls: { certificateSecret: 'site-cert', validationSecret: 'client-ca' },
          routeConfigName: 'site-routes',
        },
      ],
    }),
  );
}

import { createTestDatabase, TestDatabase } from '@envoy-fleet/testing';
import { ApiClient } from './api-client';
import { AppProcess, freePort } from './fleet-processes';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
/** The HS256 secret the api-gateway under test signs with (tests mint bad tokens with it). */
export const FLEET_JWT_SECRET = 'e2e-secret-not-for-production';
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

/** api-gateway and xds-server as real processes on a fresh database, the real NATS. */
export class Fleet {
  private constructor(
    readonly database: TestDatabase,
    readonly api: AppProcess,
    readonly xds: AppProcess,
    readonly apiUrl: string,
    readonly xdsUri: string,
  ) {}

  /** `apiEnv` overrides api-gateway's environment (e.g. RS256 keys). */
  static async start(apiEnv: Record<string, string> = {}): Promise<Fleet> {
    const database = await createTestDatabase();
    const [apiPort, xdsHttpPort, xdsPort] = [await freePort(), await freePort(), await freePort()];
    const common = { DATABASE_URL: database.appUrl, NATS_URL, LOG_LEVEL: 'warn', HTTP_HOST: '127.0.0.1' };
    const api = await AppProcess.start(
      'api-gateway',
      {
        ...common,
        HTTP_PORT: String(apiPort),
        JWT_SECRET: FLEET_JWT_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        OUTBOX_POLL_INTERVAL_MS: '200',
        ...apiEnv,
      },
      apiPort,
    );
    const xds = await AppProcess.start(
      'xds-server',
      { ...common, HTTP_PORT: String(xdsHttpPort), XDS_PORT: String(xdsPort), XDS_HOST: '127.0.0.1' },
      xdsHttpPort,
    );
    return new Fleet(database, api, xds, `http://127.0.0.1:${apiPort}`, `127.0.0.1:${xdsPort}`);
  }

  client(): ApiClient {
    return new ApiClient(this.apiUrl);
  }

  /** A new tenant with an owner, and a client logged in as that owner. */
  async tenantOwner(name: string): Promise<{ tenantId: string; owner: ApiClient }> {
    const admin = await this.client().login(ADMIN.email, ADMIN.password);
    const owner = { email: `owner@${name}.test`, password: `${name}-owner-password` };
    const created = await admin.post<{ id: string }>('/v1/tenants', { name, owner });
    if (created.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(created.body)}`);
    return { tenantId: created.body.id, owner: await this.client().login(owner.email, owner.password) };
  }

  async stop(): Promise<void> {
    await Promise.all([this.xds.stop(), this.api.stop()]);
    await this.database.drop();
  }
}

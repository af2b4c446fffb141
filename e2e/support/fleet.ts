import { createTestDatabase, TestDatabase, type XdsBootstrap } from '@envoy-fleet/testing';
import { ApiClient } from './api-client';
import { AppProcess, freePort, retryOnPortClash } from './fleet-processes';

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
/** The HS256 secret the api-gateway under test signs with (tests mint bad tokens with it). */
export const FLEET_JWT_SECRET = 'e2e-secret-not-for-production';
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

const API_AUTH = {
  JWT_SECRET: FLEET_JWT_SECRET,
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  OUTBOX_POLL_INTERVAL_MS: '200',
};

/** A running control plane, however it was started: what the tests talk to. */
export abstract class RunningFleet {
  protected constructor(
    readonly apiUrl: string,
    readonly xdsUri: string,
  ) {}

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

  /** The proxyless gRPC bootstrap the API hands out for the proxy (with its token in node metadata). */
  async grpcBootstrap(owner: ApiClient, proxyId: string): Promise<XdsBootstrap> {
    const response = await owner.get<XdsBootstrap>(`/v1/proxies/${proxyId}/bootstrap?client=grpc`);
    if (response.status !== 200) throw new Error(`no bootstrap: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** The proxy's token, as a bootstrap carries it. */
  async proxyToken(owner: ApiClient, proxyId: string): Promise<string> {
    const bootstrap = await this.grpcBootstrap(owner, proxyId);
    return bootstrap.node.metadata?.['envoy-fleet.token'] ?? '';
  }

  abstract stop(): Promise<void>;
}

/** api-gateway and xds-server as real processes on a fresh database, the real NATS. */
export class Fleet extends RunningFleet {
  /** Where xds-server's CSDS answers. */
  csdsUri = '';

  private constructor(
    readonly database: TestDatabase,
    private readonly processes: AppProcess[],
    private readonly common: Record<string, string>,
    apiUrl: string,
    xdsUri: string,
  ) {
    super(apiUrl, xdsUri);
  }

  /** One more xds-server on the same database and NATS, as a second replica; returns its ADS address. */
  async startXdsReplica(env: Record<string, string> = {}): Promise<string> {
    return retryOnPortClash(() => this.launchXdsReplica(env));
  }

  private async launchXdsReplica(env: Record<string, string>): Promise<string> {
    const [httpPort, xdsPort] = [await freePort(), await freePort()];
    const replica = await AppProcess.start(
      'xds-server',
      {
        ...this.common,
        HTTP_PORT: String(httpPort),
        XDS_PORT: String(xdsPort),
        XDS_HOST: '127.0.0.1',
        XDS_CSDS_PORT: '-1',
        ...env,
      },
      [httpPort],
    );
    this.processes.push(replica);
    return `127.0.0.1:${xdsPort}`;
  }

  /** webhook-service as its own process on the same database and NATS; returns the process and its HTTP port. */
  async startWebhookService(env: Record<string, string>): Promise<{ process: AppProcess; httpPort: number }> {
    return retryOnPortClash(async () => {
      const httpPort = await freePort();
      const started = await AppProcess.start(
        'webhook-service',
        { ...this.common, HTTP_PORT: String(httpPort), ...env },
        [httpPort],
      );
      this.processes.push(started);
      return { process: started, httpPort };
    });
  }

  /** `apiEnv` and `xdsEnv` override api-gateway's and xds-server's environment (e.g. RS256 keys). */
  static async start(
    apiEnv: Record<string, string> = {},
    xdsEnv: Record<string, string> = {},
  ): Promise<Fleet> {
    const database = await createTestDatabase();
    try {
      return await retryOnPortClash(() => Fleet.launch(database, apiEnv, xdsEnv));
    } catch (error) {
      await database.drop();
      throw error;
    }
  }

  private static async launch(
    database: TestDatabase,
    apiEnv: Record<string, string>,
    xdsEnv: Record<string, string>,
  ): Promise<Fleet> {
    const [apiPort, xdsHttpPort, xdsPort, csdsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const common = { DATABASE_URL: database.appUrl, NATS_URL, LOG_LEVEL: 'warn', HTTP_HOST: '127.0.0.1' };
    const advertised = { XDS_ADVERTISED_ADDRESS: `127.0.0.1:${xdsPort}` };
    const api = await AppProcess.start(
      'api-gateway',
      { ...common, HTTP_PORT: String(apiPort), ...API_AUTH, ...advertised, ...apiEnv },
      [apiPort],
    );
    const xds = await AppProcess.start(
      'xds-server',
      {
        ...common,
        HTTP_PORT: String(xdsHttpPort),
        XDS_PORT: String(xdsPort),
        XDS_HOST: '127.0.0.1',
        XDS_CSDS_PORT: String(csdsPort),
        ...xdsEnv,
      },
      [xdsHttpPort],
    ).catch(async (error: unknown) => {
      await api.stop();
      throw error;
    });
    const fleet = new Fleet(
      database,
      [api, xds],
      common,
      `http://127.0.0.1:${apiPort}`,
      `127.0.0.1:${xdsPort}`,
    );
    fleet.csdsUri = `127.0.0.1:${csdsPort}`;
    return fleet;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.database.drop();
  }
}

type FleetPorts = Record<'api' | 'xds' | 'xdsHttp' | 'csds' | 'webhook' | 'metrics' | 'agent', number>;

/**
 * `npm start`'s one process (dist/apps/fleet) with no server configured: PGlite, the in-process
 * bus and cache, all data in `dataDir`. Restartable on the same folder and ports.
 */
export class EmbeddedFleet extends RunningFleet {
  private constructor(
    readonly dataDir: string,
    private readonly ports: FleetPorts,
    private process: AppProcess,
  ) {
    super(`http://127.0.0.1:${ports.api}`, `127.0.0.1:${ports.xds}`);
  }

  static start(dataDir: string): Promise<EmbeddedFleet> {
    return retryOnPortClash(() => EmbeddedFleet.launchNew(dataDir));
  }

  private static async launchNew(dataDir: string): Promise<EmbeddedFleet> {
    const ports: FleetPorts = {
      api: await freePort(),
      xds: await freePort(),
      xdsHttp: await freePort(),
      csds: await freePort(),
      webhook: await freePort(),
      metrics: await freePort(),
      agent: await freePort(),
    };
    return new EmbeddedFleet(dataDir, ports, await EmbeddedFleet.launch(dataDir, ports));
  }

  private static launch(dataDir: string, ports: FleetPorts): Promise<AppProcess> {
    const env = {
      // Empty means embedded, whatever the test runner's own environment says.
      DATABASE_URL: '',
      DATABASE_ADMIN_URL: '',
      NATS_URL: '',
      REDIS_URL: '',
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      ...Object.fromEntries(Object.entries(API_AUTH).map(([name, value]) => [`API_GATEWAY_${name}`, value])),
      API_GATEWAY_HTTP_PORT: String(ports.api),
      API_GATEWAY_XDS_ADVERTISED_ADDRESS: `127.0.0.1:${ports.xds}`,
      API_GATEWAY_METRICS_SERVICE_URL: `http://127.0.0.1:${ports.metrics}`,
      XDS_SERVER_HTTP_PORT: String(ports.xdsHttp),
      XDS_SERVER_XDS_PORT: String(ports.xds),
      XDS_SERVER_XDS_HOST: '127.0.0.1',
      XDS_SERVER_XDS_CSDS_PORT: String(ports.csds),
      WEBHOOK_SERVICE_HTTP_PORT: String(ports.webhook),
      METRICS_SERVICE_HTTP_PORT: String(ports.metrics),
      NODE_AGENT_HTTP_PORT: String(ports.agent),
      NODE_AGENT_API_URL: `http://127.0.0.1:${ports.api}`,
    };
    const httpPorts = [ports.api, ports.xdsHttp, ports.webhook, ports.metrics, ports.agent];
    return AppProcess.start('fleet', env, httpPorts, 60_000);
  }

  /** The process id, to look at what it holds open. */
  get pid(): number {
    return this.process.pid;
  }

  log(): string {
    return this.process.log();
  }

  /** Stops the process and starts it again on the same data and ports. */
  async restart(): Promise<void> {
    await this.process.stop();
    this.process = await EmbeddedFleet.launch(this.dataDir, this.ports);
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

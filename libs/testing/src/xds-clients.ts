// Real xDS clients and a real backend for tests: grpc-js-xds and Debian's python3-grpcio (C-core);
// raw xDS streams are in xds-raw-streams.ts. Nothing here is a mock: each speaks the wire protocol for real.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import type { LbPolicy, TenantConfig } from '@envoy-fleet/domain';

/** The one method every test backend serves: answers any bytes with its own name. */
export const BACKEND_METHOD = '/envoy_fleet.testing.Backend/Name';

const identity = (bytes: Buffer): Buffer => bytes;

/** A loopback gRPC server that answers BACKEND_METHOD with its name. */
export interface TestBackend {
  name: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a backend on 127.0.0.1 at a free port. */
export async function startTestBackend(name: string): Promise<TestBackend> {
  const server = new grpc.Server();
  const definition = {
    name: {
      path: BACKEND_METHOD,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  } satisfies grpc.ServiceDefinition;
  server.addService(definition, {
    name: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
      callback(null, Buffer.from(name)),
  });
  const port = await bindLoopback(server);
  return { name, port, stop: () => shutdown(server) };
}

/** Binds a server to 127.0.0.1 on a free port and returns the port. */
export function bindLoopback(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
}

/** Shuts a server down, forcing it after a second so tests never hang on open streams. */
export function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 1000);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A tenant config serving API listener `listenerName`: one cluster per backend (named after it),
 * and a route splitting traffic by `weight` between them.
 */
export function weightedBackendsConfig(
  listenerName: string,
  backends: { backend: TestBackend; weight: number }[],
  lbPolicy: LbPolicy = 'ROUND_ROBIN',
): TenantConfig {
  const routes = `${listenerName}-routes`;
  return {
    tenantId: 'test-tenant',
    version: 1,
    clusters: backends.map(({ backend }) => ({
      name: backend.name,
      lbPolicy,
      connectTimeoutMs: 1000,
      http2: true,
      endpoints: [
        {
          address: '127.0.0.1',
          port: backend.port,
          weight: 1,
          priority: 0,
          locality: { region: 'local', zone: 'local-1', subZone: '' },
          healthStatus: 'HEALTHY',
        },
      ],
    })),
    listeners: [{ name: listenerName, routeConfigName: routes }],
    routeConfigurations: [
      {
        name: routes,
        virtualHosts: [
          {
            name: listenerName,
            domains: [listenerName],
            routes: [
              {
                name: 'all',
                match: { prefix: '' },
                action: {
                  weightedClusters: backends.map(({ backend, weight }) => ({
                    cluster: backend.name,
                    weight,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
    secrets: [],
  };
}

/** A gRPC xDS bootstrap (the JSON both grpc-js-xds and C-core read). */
export interface XdsBootstrap {
  xds_servers: { server_uri: string; channel_creds: { type: string }[]; server_features: string[] }[];
  node: { id: string; locality: Record<string, string>; metadata?: Record<string, string> };
}

/** A bootstrap for one ADS server; `xds_v3` and a `locality` are required by grpc-js-xds. */
export function xdsBootstrap(
  serverUri: string,
  nodeId: string,
  nodeMetadata?: Record<string, string>,
): XdsBootstrap {
  return {
    xds_servers: [
      { server_uri: serverUri, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: { id: nodeId, locality: {}, ...(nodeMetadata ? { metadata: nodeMetadata } : {}) },
  };
}

/**
 * Makes every grpc-js-xds channel of this process use the bootstrap. grpc-js-xds reads it once,
 * when the first xds channel is made, so call this before that (once per test file).
 */
export function useXdsBootstrapForProcess(bootstrap: XdsBootstrap): void {
  process.env['GRPC_XDS_BOOTSTRAP_CONFIG'] = JSON.stringify(bootstrap);
}

let xdsRegistered = false;

/** A grpc-js-xds client calling `xds:///<listener>` and reporting which backend answered. */
export class GrpcJsXdsClient {
  private readonly client: grpc.Client;

  /** `bootstrap` is per channel (grpc-js-xds test option); without it the process bootstrap is used. */
  constructor(listenerName: string, bootstrap?: XdsBootstrap) {
    if (!xdsRegistered) {
      grpcXds.register();
      xdsRegistered = true;
    }
    const options = bootstrap
      ? { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) }
      : {};
    this.client = new grpc.Client(`xds:///${listenerName}`, grpc.credentials.createInsecure(), options);
  }

  /** Makes one call; resolves with the answering backend's name. */
  whoAnswers(timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        BACKEND_METHOD,
        identity,
        identity,
        Buffer.alloc(0),
        { deadline: Date.now() + timeoutMs },
        (error, reply) =>
          error || !reply ? reject(error ?? new Error('empty reply')) : resolve(reply.toString()),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Debian's python3-grpcio (gRPC C-core) as an xDS client, in a child process kept for the test. */
export class PythonXdsClient {
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string) => void)[] = [];
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Starts the client for `xds:///<listener>` with the bootstrap written to a file. */
  static async start(listenerName: string, bootstrap: XdsBootstrap): Promise<PythonXdsClient> {
    const file = join(mkdtempSync(join(tmpdir(), 'xds-bootstrap-')), 'bootstrap.json');
    writeFileSync(file, JSON.stringify(bootstrap));
    const script = join(__dirname, 'python', 'xds_client.py');
    // Debian's own python: a pyenv python3 earlier on PATH cannot import Debian's grpc.
    const child = spawn('/usr/bin/python3', [script, `xds:///${listenerName}`, BACKEND_METHOD], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: file, GRPC_XDS_BOOTSTRAP_CONFIG: '' },
    });
    const client = new PythonXdsClient(child);
    const first = await client.nextLine(10_000);
    if (first !== 'ready') throw new Error(`python xds client did not start: ${first} ${client.stderr}`);
    return client;
  }

  /** Makes one call; resolves with the answering backend's name. */
  async whoAnswers(): Promise<string> {
    this.child.stdin.write('call\n');
    const line = await this.nextLine(10_000);
    if (!line.startsWith('ok ')) throw new Error(`python xds client: ${line}`);
    return line.slice(3);
  }

  /** What C-core logged, for failure messages. */
  log(): string {
    return this.stderr;
  }

  async close(): Promise<void> {
    this.child.stdin.end('quit\n');
    await new Promise((resolve) =>
      this.child.exitCode !== null ? resolve(null) : this.child.once('exit', resolve),
    );
  }

  private nextLine(timeoutMs: number): Promise<string> {
    const buffered = this.lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`python xds client silent for ${timeoutMs} ms: ${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }
}

/**
 * Calls `probe` until `done` holds for its result, and returns that result; fails after
 * `timeoutMs` with the last result or error. Probe errors count as "not yet".
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = `last value ${JSON.stringify(value)}`;
    } catch (error) {
      last = `last error ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) throw new Error(`condition not met within ${timeoutMs} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

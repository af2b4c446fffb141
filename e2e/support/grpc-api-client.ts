import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { resolve } from 'node:path';

const PROTO_ROOT = resolve(__dirname, '../../proto');
const SERVICES = ['ClusterService', 'ListenerService', 'RouteConfigurationService', 'ProxyService'] as const;
export type FleetServiceName = (typeof SERVICES)[number];

/** What a call answered: the message and the response metadata, or the gRPC error. */
export interface GrpcAnswer<T = Record<string, unknown>> {
  message?: T;
  error?: ServiceError;
  metadata: Metadata;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: unknown) => void,
) => { on(event: 'metadata', listener: (metadata: Metadata) => void): void };
type ServiceClient = Record<string, UnaryMethod> & { close(): void };

/**
 * A client of the fleet.v1 gRPC API as another team would write one: plain @grpc/grpc-js with the
 * .proto files loaded at run time (not the server's generated code), so the test also proves the
 * published protos match what the server speaks.
 */
export class FleetGrpcClient {
  private readonly clients: Record<FleetServiceName, ServiceClient>;

  constructor(
    private readonly address: string,
    private readonly authorization?: string,
  ) {
    const definition = loadSync(
      [
        'fleet/v1/clusters.proto',
        'fleet/v1/listeners.proto',
        'fleet/v1/route_configurations.proto',
        'fleet/v1/proxies.proto',
      ],
      {
        includeDirs: [PROTO_ROOT],
        keepCase: false,
        longs: Number,
        enums: String,
        defaults: true,
        oneofs: true,
      },
    );
    const fleetV1 = (
      loadPackageDefinition(definition) as unknown as { fleet: { v1: Record<string, unknown> } }
    ).fleet.v1;
    const insecure = credentials.createInsecure();
    this.clients = Object.fromEntries(
      SERVICES.map((name) => {
        const Client = fleetV1[name] as new (address: string, creds: typeof insecure) => ServiceClient;
        return [name, new Client(address, insecure)];
      }),
    ) as Record<FleetServiceName, ServiceClient>;
  }

  /** A client of the same server with another credential (`Bearer <token or API key>`), or none. */
  as(authorization: string | undefined): FleetGrpcClient {
    return new FleetGrpcClient(this.address, authorization);
  }

  /** Calls `service/method` (method as in the .proto, e.g. `CreateCluster`); never throws for a gRPC error. */
  call<T = Record<string, unknown>>(
    service: FleetServiceName,
    method: string,
    request: Record<string, unknown>,
    extraMetadata: Record<string, string> = {},
  ): Promise<GrpcAnswer<T>> {
    const metadata = new Metadata();
    if (this.authorization) metadata.set('authorization', this.authorization);
    for (const [key, value] of Object.entries(extraMetadata)) metadata.set(key, value);
    const client = this.clients[service];
    const fn = client[method.charAt(0).toLowerCase() + method.slice(1)];
    if (!fn) throw new Error(`${service} has no method ${method}`);
    return new Promise((done) => {
      let received = new Metadata();
      const call = fn.call(client, request, metadata, (error, response) =>
        done(error ? { error, metadata: received } : { message: response as T, metadata: received }),
      );
      call.on('metadata', (value) => (received = value));
    });
  }

  close(): void {
    for (const client of Object.values(this.clients)) client.close();
  }
}

type StructValue =
  | { nullValue: 'NULL_VALUE' }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: { fields: Record<string, StructValue> } }
  | { listValue: { values: StructValue[] } };

/** A JSON object as a `google.protobuf.Struct` message (what other languages' clients build by hand). */
export function toStruct(json: Record<string, unknown>): { fields: Record<string, StructValue> } {
  return { fields: Object.fromEntries(Object.entries(json).map(([key, value]) => [key, toValue(value)])) };
}

function toValue(value: unknown): StructValue {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  return { structValue: toStruct(value as Record<string, unknown>) };
}

/** A `google.protobuf.Struct` message as the JSON object it carries. */
export function fromStruct(struct: unknown): Record<string, unknown> {
  const fields = (struct as { fields?: Record<string, unknown> } | null)?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, fromValue(value)]));
}

function fromValue(value: unknown): unknown {
  const v = value as Record<string, unknown>;
  switch (v['kind']) {
    case 'numberValue':
    case 'stringValue':
    case 'boolValue':
      return v[v['kind']];
    case 'structValue':
      return fromStruct(v['structValue']);
    case 'listValue':
      return ((v['listValue'] as { values?: unknown[] }).values ?? []).map(fromValue);
    default:
      return null;
  }
}

/** A bearer token for email and password, from `POST /v1/auth/token`, as the gRPC `authorization` value. */
export async function bearerFor(apiUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${apiUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return `Bearer ${((await response.json()) as { accessToken: string }).accessToken}`;
}

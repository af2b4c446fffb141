import {
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServiceDefinition,
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  status,
} from '@grpc/grpc-js';
import { AppMetrics, GrpcServerMetrics } from '../src';

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (b: Buffer) => JSON.parse(b.toString()),
};
const method = (path: string, requestStream: boolean, responseStream: boolean) => ({
  path,
  requestStream,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const echo: ServiceDefinition = {
  say: method('/test.Echo/Say', false, false),
  chat: method('/test.Echo/Chat', true, true),
};

describe(GrpcServerMetrics.name, () => {
  let server: Server;
  let client: Client;
  const metrics = new AppMetrics('grpc-test');

  beforeAll(async () => {
    server = new Server({ interceptors: [metrics.grpc.interceptor()] });
    server.addService(echo, {
      say: (call: ServerUnaryCall<{ fail?: boolean }, unknown>, done: sendUnaryData<unknown>) =>
        call.request.fail
          ? done({ code: status.NOT_FOUND, details: 'no such thing' })
          : done(null, { ok: true }),
      chat: (call: ServerDuplexStream<unknown, unknown>) => call.on('data', (m) => call.write(m)),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const unary = (request: unknown) =>
    new Promise<unknown>((resolve) =>
      client.makeUnaryRequest(
        '/test.Echo/Say',
        json.serialize,
        json.deserialize,
        request,
        new Metadata(),
        {},
        (error, value) => resolve(error ?? value),
      ),
    );

  const sample = async (name: string, labels: Record<string, string>) => {
    const metric = await metrics.registry.getSingleMetric(name)!.get();
    return metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  };

  it('counts unary calls by status code and times them', async () => {
    await unary({});
    await unary({ fail: true });
    const call = { service: 'test.Echo', method: 'Say', type: 'unary' };
    expect(await sample('fleet_grpc_server_handled_total', { ...call, code: 'OK' })).toBe(1);
    expect(await sample('fleet_grpc_server_handled_total', { ...call, code: 'NOT_FOUND' })).toBe(1);
    expect(await sample('fleet_grpc_server_started_total', call)).toBe(2);
    const histogram = await metrics.grpc.handlingSeconds.get();
    const count = histogram.values.find((v) => v.metricName === 'fleet_grpc_server_handling_seconds_count');
    expect(count?.value).toBe(2);
  });

  it('records a stream the client cancels, with its lifetime', async () => {
    const stream = client.makeBidiStreamRequest('/test.Echo/Chat', json.serialize, json.deserialize);
    stream.on('error', () => undefined);
    const echoed = new Promise((resolve) => stream.once('data', resolve));
    stream.write({ hello: 1 });
    expect(await echoed).toEqual({ hello: 1 });
    stream.cancel();
    const call = { service: 'test.Echo', method: 'Chat', type: 'bidi_stream' };
    await waitFor(
      async () => (await sample('fleet_grpc_server_handled_total', { ...call, code: 'CANCELLED' })) === 1,
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /fleet_grpc_server_stream_duration_seconds_count\{app="grpc-test",service="test.Echo",method="Chat",type="bidi_stream"\} 1/,
    );
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

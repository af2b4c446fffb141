import { metrics } from '@envoy-fleet/envoy-api';
import { Server, ServerCredentials } from '@grpc/grpc-js';

/** The baseline: a bare @grpc/grpc-js StreamMetrics server that decodes each message and discards it. */
export async function startBareSink(): Promise<{ port: number; messages: () => number; close: () => void }> {
  let messages = 0;
  const server = new Server();
  server.addService(metrics.MetricsServiceService, {
    streamMetrics: (call, callback) => {
      call.on('data', () => (messages += 1));
      call.on('end', () => callback(null, {}));
      call.on('error', () => undefined);
    },
  } satisfies metrics.MetricsServiceServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { port, messages: () => messages, close: () => server.forceShutdown() };
}

import { type Server, ServerCredentials } from '@grpc/grpc-js';

/** Binds `server` to host:port (0 picks a free port) and resolves with the port it got. */
export function bindServer(
  server: Server,
  host: string,
  port: number,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
}

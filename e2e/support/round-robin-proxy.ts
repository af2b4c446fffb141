import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP load balancer on loopback handing each new connection to the next upstream in turn. */
export class RoundRobinProxy {
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** Connections handed to each upstream so far. */
  readonly handed = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  /** Upstreams are host:port strings. */
  static async start(upstreams: string[]): Promise<RoundRobinProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const proxy = new RoundRobinProxy(server, `127.0.0.1:${port}`);
    server.on('connection', (client) => proxy.forward(client, upstreams));
    return proxy;
  }

  private forward(client: Socket, upstreams: string[]): void {
    const target = upstreams[this.next++ % upstreams.length];
    this.handed.set(target, (this.handed.get(target) ?? 0) + 1);
    const [host, port] = target.split(':');
    const upstream = createConnection(Number(port), host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

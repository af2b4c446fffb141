import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A receiver that answers 200 at once and notes when each config version first arrived. */
export class BenchReceiver {
  readonly versions = new Map<number, number>();
  requests = 0;
  lastBody = '{}';

  private constructor(private readonly server: Server) {}

  static async start(): Promise<BenchReceiver> {
    const server = createServer({ keepAliveTimeout: 60_000 });
    const receiver = new BenchReceiver(server);
    server.on('request', (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        receiver.requests += 1;
        receiver.lastBody = body;
        const version = (JSON.parse(body) as { data?: { version?: number } }).data?.version;
        if (typeof version === 'number' && !receiver.versions.has(version))
          receiver.versions.set(version, Date.now());
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

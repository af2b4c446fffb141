import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on loopback (webhook tests) that answers each request with the next scripted status (then 200). */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private constructor(
    private readonly server: Server,
    private readonly script: number[],
    private readonly delayMs: number,
  ) {}

  static async start(script: number[] = [], delayMs = 0): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server, [...script], delayMs);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        receiver.requests.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        const status = receiver.script.shift() ?? 200;
        setTimeout(
          () => res.writeHead(status, { 'content-type': 'text/plain' }).end(`answered ${status}`),
          receiver.delayMs,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves when `count` requests arrived, or rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.requests.length} of ${count} requests`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.requests;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

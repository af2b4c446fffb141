// The load: a child process (its own core) holding one StreamMetrics stream per proxy and writing
// pre-encoded messages as fast as each stream takes them, like many Envoys flushing at once.
import { metrics } from '@envoy-fleet/envoy-api';
import { Client, ClientWritableStream, credentials, Metadata } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { encodedMessages } from './messages';

const [address = '', proxies = '100', seconds = '6', tokensFile = ''] = process.argv.slice(2);
/** Each proxy's token, sent as its bootstrap has Envoy send it. */
const tokens: string[] = tokensFile ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as string[]) : [];
const PATH = metrics.MetricsServiceService.streamMetrics.path;
const raw = (buffer: Buffer) => buffer;

async function drive(
  client: Client,
  nodeId: string,
  token: string | undefined,
  until: number,
): Promise<void> {
  const { first, flushes } = encodedMessages(nodeId, 8);
  const done = new Promise<void>((resolve) => {
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    const call: ClientWritableStream<Buffer> = client.makeClientStreamRequest(PATH, raw, raw, metadata, () =>
      resolve(),
    );
    call.on('error', () => resolve());
    call.write(first);
    let next = 0;
    const pump = () => {
      while (Date.now() < until) {
        if (!call.write(flushes[next++ % flushes.length])) return void call.once('drain', pump);
      }
      call.end();
    };
    pump();
  });
  await done;
}

async function main(): Promise<void> {
  const until = Date.now() + Number(seconds) * 1000;
  // A few connections (own subchannel pools, or grpc-js would share one), as many Envoys would open.
  const clients = Array.from(
    { length: 4 },
    () => new Client(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
  await Promise.all(
    clients.flatMap((client, c) =>
      Array.from({ length: Number(proxies) }, (_, i) => i)
        .filter((i) => i % clients.length === c)
        .map((i) => drive(client, `bench-proxy-${i}`, tokens[i], until)),
    ),
  );
  clients.forEach((client) => client.close());
}

void main().then(() => process.exit(0));

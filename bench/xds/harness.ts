// The fake-proxy harness, run in its own process by main.ts: holds N ADS streams (several per
// HTTP/2 connection), ACKs every response at once, and timestamps the armed push on each stream.
import * as grpc from '@grpc/grpc-js';
import { signProxyToken } from '@envoy-fleet/domain';
import { sleep } from './process-stats';
import type { ArmCommand, BenchProxy, HarnessCommand, HarnessEvent, OpenCommand } from './protocol';
import { openDeltaStream, openSotwStream, type ProxyStream, type Received } from './streams';

const streams: ProxyStream[] = [];
const clients: grpc.Client[] = [];
/** Streams that opened: an armed push is complete when each of them has it. */
let openStreams = 0;
let armed:
  | { typeUrl: string; results: (Received | undefined)[]; count: number; sample?: Buffer; done: () => void }
  | undefined;

function send(event: HarnessEvent): void {
  process.send?.(event);
}

/** Called by every stream for every response it receives (after ACKing it). */
function onResponse(index: number, received: Received): void {
  if (!armed || received.typeUrl !== armed.typeUrl || armed.results[index]) return;
  armed.results[index] = received;
  armed.sample ??= received.raw;
  if (++armed.count === openStreams) armed.done();
}

/** Envoy's ADS retry backoff: jittered, from 0.5 s doubling up to 30 s (here at most 8 tries). */
const MAX_ATTEMPTS = 8;
const backoffMs = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

/** Opens the command's streams after those already open (a second `open` adds to the first). */
async function open(command: OpenCommand): Promise<void> {
  const base = streams.length;
  let opened = 0;
  let failed = 0;
  let retries = 0;
  const errors = new Set<string>();
  const total = command.proxies.length;
  let finish: () => void = () => undefined;
  const allOpen = new Promise<void>((resolve) => (finish = resolve));

  const connect = (index: number, attempt: number) => {
    const proxy = command.proxies[index - base] as BenchProxy;
    const client = clients[Math.floor(index / command.streamsPerConnection)] as grpc.Client;
    const metadata = new grpc.Metadata();
    if (command.tokenSecret !== '') {
      const claims = { ...proxy, tenantId: command.tenantId, generation: 1 };
      metadata.set('authorization', `Bearer ${signProxyToken(claims, command.tokenSecret)}`);
    }
    const onOpened = (error?: string) => {
      if (error === undefined) {
        opened += 1;
        openStreams += 1;
      } else if (attempt + 1 < MAX_ATTEMPTS) {
        retries++;
        if (errors.size < 5) errors.add(error);
        setTimeout(() => connect(index, attempt + 1), backoffMs(attempt));
        return;
      } else failed++;
      if (opened + failed === total) finish();
    };
    const hooks = {
      keepRaw: () => armed !== undefined && armed.sample === undefined,
      onOpened,
      onResponse: (r: Received) => onResponse(index, r),
    };
    const subscription = {
      nodeId: proxy.nodeId,
      clusterName: command.clusterName,
      routeNames: command.routeNames,
    };
    const open = command.mode === 'sotw' ? openSotwStream : openDeltaStream;
    streams[index] = open(client, metadata, subscription, hooks);
  };

  const perTick = Math.max(1, Math.round(command.opensPerSecond / 100));
  for (let index = base; index < base + total; index++) {
    if (index % command.streamsPerConnection === 0) {
      // A local subchannel pool gives each client its own HTTP/2 connection.
      const options = { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': -1 };
      clients.push(new grpc.Client(command.target, grpc.credentials.createInsecure(), options));
    }
    connect(index, 0);
    if ((index - base) % perTick === perTick - 1) await sleep(10);
  }
  const timeout = sleep(150_000 + (total / command.opensPerSecond) * 1000);
  await Promise.race([allOpen, timeout]);
  send({ evt: 'opened', streams: opened, failed: total - opened, retries, errors: [...errors] });
}

async function arm(command: ArmCommand): Promise<void> {
  const results: (Received | undefined)[] = new Array(streams.length).fill(undefined);
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  armed = { typeUrl: command.typeUrl, results, count: 0, done };
  send({ evt: 'armed' });
  await Promise.race([all, sleep(command.timeoutMs)]);
  const sample = armed.sample ?? Buffer.alloc(0);
  armed = undefined;
  send({
    evt: 'received',
    ackedAt: results.map((result) => result?.ackedAt ?? null),
    messageBytes: results.map((result) => result?.messageBytes ?? null),
    resourceBytes: results.map((result) => result?.resourceBytes ?? null),
    resourceCounts: results.map((result) => result?.resourceCount ?? null),
    sample: sample.toString('base64'),
  });
}

process.on('message', (command: HarnessCommand) => {
  if (command.cmd === 'open') void open(command);
  else if (command.cmd === 'arm') void arm(command);
  else {
    for (const stream of streams) stream.close();
    for (const client of clients) client.close();
    setTimeout(() => process.exit(0), 200);
  }
});

// One measured phase: a harness holds N streams to a server process while pushes go out.
import { RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { Harness } from './children';
import { cpuSeconds, epochMs, quantile, rssBytes, settledHeapBytes, sleep, waitIdle } from './process-stats';
import type { OpenCommand, PushReport } from './protocol';

/** What one server did for N streams. */
export interface PhaseFigures {
  streams: number;
  failed: number;
  /** Streams refused and opened again after a backoff, as Envoy does. */
  retries: number;
  errors: string[];
  /** (RSS at N streams − RSS at 0) / N. */
  bytesPerStream: number;
  /**
   * (RSS at N − RSS at N/2) / (N/2): what one more stream costs, without the one-time growth the
   * first streams bring (code compiled, pools and buffers filled, heap grown).
   */
  marginalBytesPerStream: number;
  /** The same for the V8 heap in use (its settled low). */
  heapBytesPerStream: number;
  /** Write → ACK, every stream of every push, in ms (p50, p99, max). */
  p50: number;
  p99: number;
  max: number;
  /** Median time the write itself took (the API's response to the PUT; 0 for the baseline). */
  writeMs: number;
  /** Write answered → ACK, p99: what the server does after the write committed. */
  p99AfterWrite: number;
  /** Streams that did not get a push within the timeout, over all pushes. */
  missed: number;
  /** Server CPU from the write until it is idle again, per stream per push. */
  cpuMicrosPerStreamPush: number;
  /** The push as one stream received it (message bytes), and the response itself. */
  pushBytes: number;
  sample: string;
}

const PUSH_TIMEOUT_MS = 30_000;

/** The server process under test, and how to read its V8 heap in use. */
export interface MeasuredServer {
  pid: number;
  heapUsed(): Promise<number>;
}

async function openStreams(harness: Harness, open: OpenCommand) {
  harness.send(open);
  const opening = 200_000 + (open.proxies.length / open.opensPerSecond) * 1000;
  return harness.next('opened', opening);
}

/** When a write started and when it was answered (epoch ms). */
export interface WriteTimes {
  startedAt: number;
  answeredAt: number;
}

/** Arms the harness, runs `write`, and collects the push it causes. */
async function push(harness: Harness, typeUrl: string, write: () => Promise<WriteTimes>) {
  harness.send({ cmd: 'arm', typeUrl, timeoutMs: PUSH_TIMEOUT_MS });
  await harness.next('armed', 10_000);
  const times = await write();
  const report = await harness.next('received', PUSH_TIMEOUT_MS + 10_000);
  const since = (from: number) => report.ackedAt.map((at) => (at === null ? Number.NaN : at - from));
  return { report, times, latencies: since(times.startedAt), afterWrite: since(times.answeredAt) };
}

/**
 * Opens the streams against the server `pid` (SotW, as Envoy subscribes), reads its memory,
 * then runs `pushes` EDS pushes, each started by `write(k)`.
 */
export async function measureSotw(
  { pid, heapUsed }: MeasuredServer,
  open: OpenCommand,
  pushes: number,
  write: (k: number) => Promise<WriteTimes>,
): Promise<PhaseFigures> {
  await waitIdle(pid);
  const rss0 = rssBytes(pid);
  const heap0 = await settledHeapBytes(heapUsed);
  const harness = new Harness();
  try {
    // In two halves (each a whole number of connections), to tell one-time growth from per stream.
    const per = open.streamsPerConnection;
    const half = Math.floor(open.proxies.length / 2 / per) * per;
    const first = await openStreams(harness, { ...open, proxies: open.proxies.slice(0, half) });
    await waitIdle(pid);
    await sleep(1000);
    const rssHalf = rssBytes(pid);
    const second = await openStreams(harness, { ...open, proxies: open.proxies.slice(half) });
    const opened = {
      streams: first.streams + second.streams,
      failed: first.failed + second.failed,
      retries: first.retries + second.retries,
      errors: [...first.errors, ...second.errors],
    };
    progress(`${opened.streams} streams open, ${opened.failed} failed, ${opened.retries} retries`);
    await waitIdle(pid);
    await sleep(1000);
    const rssN = rssBytes(pid);
    const heapN = await settledHeapBytes(heapUsed);
    const latencies: number[] = [];
    const afterWrite: number[] = [];
    const writeMs: number[] = [];
    let cpu = 0;
    let last: PushReport | undefined;
    for (let k = 1; k <= pushes; k++) {
      await waitIdle(pid);
      const cpu0 = cpuSeconds(pid);
      const pushed = await push(harness, RESOURCE_TYPE_URLS.endpoint, () => write(k));
      await waitIdle(pid);
      cpu += cpuSeconds(pid) - cpu0;
      progress(`push ${k}: ${pushed.report.ackedAt.filter((at) => at !== null).length} ACKed`);
      latencies.push(...pushed.latencies);
      afterWrite.push(...pushed.afterWrite);
      writeMs.push(pushed.times.answeredAt - pushed.times.startedAt);
      last = pushed.report;
    }
    const got = latencies.filter((latency) => !Number.isNaN(latency));
    return {
      streams: opened.streams,
      failed: opened.failed,
      retries: opened.retries,
      errors: opened.errors,
      bytesPerStream: (rssN - rss0) / Math.max(1, opened.streams),
      marginalBytesPerStream: (rssN - rssHalf) / Math.max(1, second.streams),
      heapBytesPerStream: (heapN - heap0) / Math.max(1, opened.streams),
      p50: quantile(got, 0.5),
      p99: quantile(got, 0.99),
      max: quantile(got, 1),
      writeMs: quantile(writeMs, 0.5),
      p99AfterWrite: quantile(
        afterWrite.filter((latency) => !Number.isNaN(latency)),
        0.99,
      ),
      missed: latencies.length - got.length,
      cpuMicrosPerStreamPush: (cpu * 1e6) / Math.max(1, opened.streams * pushes),
      pushBytes: last?.messageBytes.find((bytes) => bytes !== null) ?? Number.NaN,
      sample: last?.sample ?? '',
    };
  } finally {
    await harness.close();
  }
}

/** What a one-route change cost per Delta stream. */
export interface DeltaFigures {
  streams: number;
  failed: number;
  /** Median DeltaDiscoveryResponse size per stream, and of the changed resource's own encoding. */
  messageBytes: number;
  routeBytes: number;
  resources: number;
  p99: number;
}

/** Opens Delta streams subscribed to every route configuration, then changes one route. */
export async function measureDelta(
  open: OpenCommand,
  write: () => Promise<WriteTimes>,
): Promise<DeltaFigures> {
  const harness = new Harness();
  try {
    const opened = await openStreams(harness, { ...open, mode: 'delta' });
    await sleep(1000);
    const { report, latencies } = await push(harness, RESOURCE_TYPE_URLS.route, write);
    return {
      streams: opened.streams,
      failed: opened.failed,
      messageBytes: quantile(present(report.messageBytes), 0.5),
      routeBytes: quantile(present(report.resourceBytes), 0.5),
      resources: quantile(present(report.resourceCounts), 0.5),
      p99: quantile(latencies.filter(Number.isFinite), 0.99),
    };
  } finally {
    await harness.close();
  }
}

/** Runs a write, timing it. */
export async function timed(write: () => Promise<unknown>): Promise<WriteTimes> {
  const startedAt = epochMs();
  await write();
  return { startedAt, answeredAt: epochMs() };
}

function present(values: (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null);
}

function progress(message: string): void {
  console.error(`[${new Date().toISOString()}]   ${message}`);
}

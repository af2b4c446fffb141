// `npm run bench:metrics`: StreamMetrics messages per second through our sink (decode, allowlist,
// latest value per proxy and stat, signals) against a bare @grpc/grpc-js sink that only decodes,
// in the same run, under the same load. See README.md, "Benchmarks".
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBareSink } from './bare-sink';
import { startFleetSink } from './fleet-sink';
import { FAMILIES_PER_MESSAGE } from './messages';

const PROXIES = Number(process.env['BENCH_PROXIES'] ?? 100);
const WARMUP_S = 2;
const MEASURE_S = Number(process.env['BENCH_SECONDS'] ?? 5);
// The machine is shared: each sink is measured in alternating rounds and keeps its best round.
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);

interface Figures {
  messagesPerSecond: number;
  /** Messages per second of the sink process's own CPU time: what one core sustains. */
  messagesPerCpuSecond: number;
  cpuShare: number;
}

/** Runs the load in a child process against `port` and measures the sink between warm-up and end. */
async function measure(port: number, messages: () => number, tokensFile: string): Promise<Figures> {
  const seconds = String(WARMUP_S + MEASURE_S + 1);
  const load = fork(join(__dirname, 'load.js'), [`127.0.0.1:${port}`, String(PROXIES), seconds, tokensFile]);
  const exited = new Promise<void>((resolve) => load.on('exit', () => resolve()));
  await sleep(WARMUP_S * 1000);
  const count0 = messages();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(MEASURE_S * 1000);
  const count1 = messages();
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  await exited;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    messagesPerSecond: (count1 - count0) / elapsed,
    messagesPerCpuSecond: (count1 - count0) / cpuSeconds,
    cpuShare: cpuSeconds / elapsed,
  };
}

function best(a: Figures | undefined, b: Figures): Figures {
  return a && a.messagesPerCpuSecond >= b.messagesPerCpuSecond ? a : b;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function row(cells: string[]): string {
  const widths = [36, 8, 7, 10, 7, 6];
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join(' | ');
}

function figures(name: string, f: Figures, baseline: Figures): string {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  return row([
    name,
    String(Math.round(f.messagesPerSecond)),
    ratio(f.messagesPerSecond, baseline.messagesPerSecond),
    String(Math.round(f.messagesPerCpuSecond)),
    ratio(f.messagesPerCpuSecond, baseline.messagesPerCpuSecond),
    `${Math.round(f.cpuShare * 100)}%`,
  ]);
}

async function main(): Promise<void> {
  console.log(
    `${PROXIES} streams, ${FAMILIES_PER_MESSAGE} metric families a message, ` +
      `best of ${ROUNDS} rounds of ${MEASURE_S}s measured after ${WARMUP_S}s`,
  );
  const bare = await startBareSink();
  const dataDir = await mkdtemp(join(tmpdir(), 'metrics-bench-'));
  const fleet = await startFleetSink(dataDir, PROXIES);
  let baseline: Figures | undefined;
  let ours: Figures | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    // Both get the same load, tokens included (the bare sink ignores them).
    baseline = best(baseline, await measure(bare.port, bare.messages, fleet.tokensFile));
    ours = best(ours, await measure(fleet.port, fleet.messages, fleet.tokensFile));
  }
  bare.close();
  await fleet.close();
  await rm(dataDir, { recursive: true, force: true });
  if (!baseline || !ours) throw new Error('BENCH_ROUNDS must be at least 1');

  console.log(row(['sink', 'msg/s', 'ratio', 'msg/cpu-s', 'ratio', 'cpu']));
  console.log(figures('bare grpc-js (decode, discard)', baseline, baseline));
  console.log(figures('metrics-service (decode, aggregate)', ours, baseline));
  const families = Math.round(ours.messagesPerCpuSecond * FAMILIES_PER_MESSAGE);
  console.log(`metrics-service: ${families} metric families per CPU-second`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

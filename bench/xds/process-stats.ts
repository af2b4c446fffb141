import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size of the process, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the process uses under 5 % of a core for 300 ms (at most `maxMs`): its work is done. */
export async function waitIdle(pid: number, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(300);
    const now = cpuSeconds(pid);
    if (now - last <= 0.015) return;
    last = now;
  }
}

/** Now, as epoch milliseconds with sub-millisecond precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The `q` quantile (0..1) of `values` (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * The smallest heap size `read` reports over 3 s: close to the live heap after a collection,
 * where RSS also holds garbage not yet collected and heap the process has not given back.
 */
export async function settledHeapBytes(read: () => Promise<number>): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    least = Math.min(least, await read());
    await sleep(300);
  }
  return least;
}

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunFigures } from './main';

interface Settings {
  pushes: number;
  streamsPerConnection: number;
  opensPerSecond: number;
  shape: { endpoints: number; routeConfigs: number; routesPerConfig: number };
}

/** gRPC's 5-byte message prefix and one HTTP/2 DATA frame header, around each message. */
const FRAMING_BYTES = 5 + 9;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => value.toFixed(0);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Prints the figures as Markdown tables (README-ready), ratios against the same run's baseline. */
export function printReport(runs: RunFigures[], settings: Settings): void {
  const out: string[] = [];
  out.push(row(['streams', 'measure', 'xds-server', 'baseline', 'xds / baseline']));
  out.push(row(['---:', '---', '---:', '---:', '---:']));
  for (const { streams, fleet, baseline } of runs) {
    const figures: [string, string, string, string][] = [
      [
        'memory per stream (KB RSS)',
        kb(fleet.bytesPerStream),
        kb(baseline.bytesPerStream),
        ratio(fleet.bytesPerStream, baseline.bytesPerStream),
      ],
      [
        'memory per added stream, N/2 → N (KB RSS)',
        kb(fleet.marginalBytesPerStream),
        kb(baseline.marginalBytesPerStream),
        ratio(fleet.marginalBytesPerStream, baseline.marginalBytesPerStream),
      ],
      [
        'V8 heap per stream (KB)',
        kb(fleet.heapBytesPerStream),
        kb(baseline.heapBytesPerStream),
        ratio(fleet.heapBytesPerStream, baseline.heapBytesPerStream),
      ],
      ['write → ACK p50 (ms)', ms(fleet.p50), ms(baseline.p50), ratio(fleet.p50, baseline.p50)],
      ['write → ACK p99 (ms)', ms(fleet.p99), ms(baseline.p99), ratio(fleet.p99, baseline.p99)],
      [
        'API write answered → ACK p99 (ms)',
        ms(fleet.p99AfterWrite),
        ms(baseline.p99AfterWrite),
        ratio(fleet.p99AfterWrite, baseline.p99AfterWrite),
      ],
      ['API write itself, median (ms)', ms(fleet.writeMs), '–', ''],
      ['write → ACK 100 % (ms)', ms(fleet.max), ms(baseline.max), ratio(fleet.max, baseline.max)],
      [
        'CPU per stream per push (µs)',
        fleet.cpuMicrosPerStreamPush.toFixed(1),
        baseline.cpuMicrosPerStreamPush.toFixed(1),
        ratio(fleet.cpuMicrosPerStreamPush, baseline.cpuMicrosPerStreamPush),
      ],
    ];
    for (const [measure, a, b, r] of figures) out.push(row([streams, measure, a, b, r]));
  }
  out.push('');
  out.push(
    row([
      'streams',
      '≤ 100 KB / stream',
      'p99 ≤ 3 s',
      'p99 ≤ 1.3 × baseline + 100 ms',
      'opens failed / refused, pushes not ACKed (failed streams included)',
    ]),
  );
  out.push(row(['---:', '---', '---', '---', '---']));
  for (const { streams, fleet, baseline } of runs) {
    const bound = 1.3 * baseline.p99 + 100;
    out.push(
      row([
        streams,
        `${fleet.bytesPerStream <= 100 * 1024 ? 'met' : 'missed'} (${kb(fleet.bytesPerStream)} KB; ` +
          `${kb(fleet.marginalBytesPerStream)} KB per added stream)`,
        `${fleet.p99 <= 3000 ? 'met' : 'missed'} (${ms(fleet.p99)} ms)`,
        `${fleet.p99 <= bound ? 'met' : 'missed'} (${ms(fleet.p99)} vs ${ms(bound)} ms)`,
        `${fleet.failed} / ${fleet.retries}, ${fleet.missed} (baseline ${baseline.failed} / ${baseline.retries}, ${baseline.missed})`,
      ]),
    );
  }
  out.push('');
  out.push(
    row([
      'Delta streams',
      'bytes per stream',
      'changed route configuration',
      'ratio (≤ 2×)',
      'resources sent',
      'write → ACK p99 (ms)',
    ]),
  );
  out.push(row(['---:', '---:', '---:', '---:', '---:', '---:']));
  for (const { delta } of runs) {
    const wire = delta.messageBytes + FRAMING_BYTES;
    out.push(
      row([
        delta.streams,
        wire,
        delta.routeBytes,
        ratio(wire, delta.routeBytes),
        delta.resources,
        ms(delta.p99),
      ]),
    );
  }
  const first = runs[0];
  out.push('');
  out.push(
    `SotW push: ${first?.fleet.pushBytes ?? '?'} message bytes (${settings.shape.endpoints} endpoints); ` +
      `${settings.pushes} pushes per N; ${settings.streamsPerConnection} streams per HTTP/2 connection, ` +
      `opened at ${settings.opensPerSecond}/s (retried with Envoy's backoff when refused); ` +
      `xds-server debounce as configured by default (XDS_PUSH_QUIET_MS 50, XDS_PUSH_MAX_DELAY_MS 500).`,
  );
  console.log(out.join('\n'));
  const file = join(tmpdir(), `xds-bench-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ settings, runs: runs.map(withoutSamples) }, null, 2));
  console.error(`raw figures: ${file}`);
}

/** The figures without the replayed response, for logs. */
export function withoutSamples(run: RunFigures) {
  return {
    ...run,
    fleet: { ...run.fleet, sample: undefined },
    baseline: { ...run.baseline, sample: undefined },
  };
}

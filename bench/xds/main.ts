// `npm run bench:xds`: xds-server's ADS fan-out at N streams (memory per stream, API write -> ACK
// from every stream, CPU per stream per push, Delta bytes of a one-route change) against a bare
// @grpc/grpc-js server that encodes the same push once and writes it N times, in the same run.
// See README.md, "Benchmarks".
import { BaselineServer } from './children';
import { BenchFleet, CLUSTER_NAME, endpoints, PROXY_TOKEN_SECRET, routeConfiguration } from './fleet-setup';
import { type DeltaFigures, measureDelta, measureSotw, type PhaseFigures, timed } from './measure';
import { epochMs } from './process-stats';
import type { OpenCommand } from './protocol';
import { printReport, withoutSamples } from './report';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const SIZES = env('XDS_BENCH_STREAMS', '1000,5000').split(',').map(Number);
const PUSHES = Number(env('XDS_BENCH_PUSHES', '3'));
const STREAMS_PER_CONNECTION = Number(env('XDS_BENCH_STREAMS_PER_CONNECTION', '50'));
// Admissions are read in batches, so xds-server takes a burst; the baseline admits anything at once.
const OPENS_PER_SECOND = Number(env('XDS_BENCH_OPENS_PER_SECOND', '250'));
const BASELINE_OPENS_PER_SECOND = 1000;
const DELTA_STREAMS = Number(env('XDS_BENCH_DELTA_STREAMS', '1000'));
/** About 20 KB of ClusterLoadAssignment per push, as in the BRIEF's grpc-js measurement. */
const SHAPE = { endpoints: 600, routeConfigs: 10, routesPerConfig: 20 };

/** Each Delta phase changes one route's prefix again (variants 1-9; 0 is the declared one). */
let routeChanges = 0;

/** Everything measured at one N. */
export interface RunFigures {
  streams: number;
  fleet: PhaseFigures;
  baseline: PhaseFigures;
  delta: DeltaFigures;
}

async function runAt(fleet: BenchFleet, streams: number): Promise<RunFigures> {
  const open = (
    target: string,
    tokenSecret: string,
    count: number,
    opensPerSecond = OPENS_PER_SECOND,
  ): OpenCommand => ({
    cmd: 'open',
    target,
    mode: 'sotw',
    proxies: fleet.proxies.slice(0, count),
    tenantId: fleet.tenantId,
    tokenSecret,
    clusterName: CLUSTER_NAME,
    routeNames: fleet.routeNames,
    streamsPerConnection: STREAMS_PER_CONNECTION,
    opensPerSecond,
  });
  log(`N=${streams}: xds-server, SotW`);
  const xds = await fleet.startXdsServer();
  let fleetFigures: PhaseFigures;
  let delta: DeltaFigures;
  try {
    const path = `/v1/clusters/${CLUSTER_NAME}/endpoints`;
    fleetFigures = await measureSotw(
      { pid: xds.app.pid, heapUsed: xds.heapUsed },
      open(xds.uri, PROXY_TOKEN_SECRET, streams),
      PUSHES,
      (k) => timed(() => fleet.put(path, { endpoints: endpoints(SHAPE.endpoints, streams + k) })),
    );
    if (fleetFigures.failed > 0) console.error(xds.app.log().slice(-3000));
    log(`N=${streams}: xds-server, Delta`);
    const deltaOpen = open(xds.uri, PROXY_TOKEN_SECRET, Math.min(streams, DELTA_STREAMS));
    const changed = routeConfiguration(3, SHAPE.routesPerConfig, ++routeChanges);
    delta = await measureDelta(deltaOpen, () =>
      timed(() => fleet.put('/v1/route-configurations/routes-3', changed)),
    );
  } catch (error) {
    console.error(xds.app.log());
    throw error;
  } finally {
    await xds.app.stop();
  }
  log(`N=${streams}: baseline`);
  const baseline = new BaselineServer();
  try {
    if (fleetFigures.sample === '') throw new Error('no push reached any stream: nothing to replay');
    baseline.send({ cmd: 'start', payload: fleetFigures.sample });
    const { port } = await baseline.next('listening', 30_000);
    const baselineFigures = await measureSotw(
      { pid: baseline.pid, heapUsed: () => baseline.heapUsed() },
      open(`127.0.0.1:${port}`, '', streams, BASELINE_OPENS_PER_SECOND),
      PUSHES,
      (k) => {
        const startedAt = epochMs();
        baseline.send({ cmd: 'push', push: k });
        return Promise.resolve({ startedAt, answeredAt: startedAt });
      },
    );
    return { streams, fleet: fleetFigures, baseline: baselineFigures, delta };
  } finally {
    await baseline.close();
  }
}

function log(message: string): void {
  console.error(`[${new Date().toISOString()}] ${message}`);
}

async function main(): Promise<void> {
  log(`setting up: ${Math.max(...SIZES)} proxies, ${JSON.stringify(SHAPE)}`);
  const fleet = await BenchFleet.start(Math.max(...SIZES), SHAPE);
  const runs: RunFigures[] = [];
  try {
    for (const streams of SIZES) {
      runs.push(await runAt(fleet, streams));
      log(`N=${streams} done: ${JSON.stringify(withoutSamples(runs[runs.length - 1] as RunFigures))}`);
    }
  } finally {
    await fleet.stop();
  }
  printReport(runs, {
    pushes: PUSHES,
    streamsPerConnection: STREAMS_PER_CONNECTION,
    opensPerSecond: OPENS_PER_SECOND,
    shape: SHAPE,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

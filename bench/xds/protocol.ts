// Messages between the driver (main.ts) and the fake-proxy harness (harness.ts) over fork IPC.

/** One proxy the harness connects as. */
export interface BenchProxy {
  proxyId: string;
  nodeId: string;
}

/** Opens one stream per proxy: SotW (LDS, CDS, EDS and RDS, like Envoy) or Delta (RDS only). */
export interface OpenCommand {
  cmd: 'open';
  target: string;
  mode: 'sotw' | 'delta';
  proxies: BenchProxy[];
  tenantId: string;
  /** Proxy-token key; empty: no token (the baseline server checks none). */
  tokenSecret: string;
  clusterName: string;
  routeNames: string[];
  streamsPerConnection: number;
  opensPerSecond: number;
}

/** Expects the next response of `typeUrl` on every stream, and reports when all have it. */
export interface ArmCommand {
  cmd: 'arm';
  typeUrl: string;
  timeoutMs: number;
}

export type HarnessCommand = OpenCommand | ArmCommand | { cmd: 'close' };

/** What one armed push looked like from the proxies. */
export interface PushReport {
  evt: 'received';
  /** Per stream: epoch ms when the response arrived and was ACKed; null if it did not. */
  ackedAt: (number | null)[];
  /** Per stream: the response's size as gRPC carried it (message bytes). */
  messageBytes: (number | null)[];
  /** Per stream: bytes of the resources' own encoding inside the response (the Any values). */
  resourceBytes: (number | null)[];
  /** Per stream: how many resources the response carried. */
  resourceCounts: (number | null)[];
  /** One stream's response as received (base64), to replay in the baseline. */
  sample: string;
}

export type HarnessEvent =
  | { evt: 'opened'; streams: number; failed: number; retries: number; errors: string[] }
  | { evt: 'armed' }
  | PushReport;

import type { ProxyLifecycleState } from '@envoy-fleet/domain';
import { ControlPlaneError } from './control-plane-client';

/** One state change of one proxy's container. */
export interface LifecycleReport {
  state: ProxyLifecycleState;
  detail?: string;
  restartCount: number;
}

/** Where reports go: the API's `POST /v1/agent/proxies/:id/lifecycle`. */
export type SendReport = (proxyId: string, report: LifecycleReport) => Promise<void>;

/**
 * Sends lifecycle reports in order per proxy; while the control plane is away it keeps only the
 * latest report of each proxy and sends those when `flush` succeeds again.
 */
export class LifecycleReporter {
  private readonly pending = new Map<string, LifecycleReport>();
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: SendReport,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** Queues a report and tries to send what is pending. */
  report(proxyId: string, report: LifecycleReport): Promise<void> {
    this.pending.set(proxyId, report);
    return this.flush();
  }

  /** Sends every pending report; what fails stays pending (a 404: the proxy is gone, dropped). */
  flush(): Promise<void> {
    this.sending = this.sending.then(async () => {
      for (const [proxyId, report] of [...this.pending]) {
        try {
          await this.send(proxyId, report);
          if (this.pending.get(proxyId) === report) this.pending.delete(proxyId);
        } catch (error) {
          if (error instanceof ControlPlaneError && error.status === 404) {
            this.pending.delete(proxyId);
            continue;
          }
          this.onError(`lifecycle report for ${proxyId} kept for later: ${String(error)}`);
          return;
        }
      }
    });
    return this.sending;
  }

  /** Reports not sent yet, by proxy id. */
  get backlog(): ReadonlyMap<string, LifecycleReport> {
    return this.pending;
  }
}

import { Injectable, Logger, BeforeApplicationShutdown } from '@nestjs/common';
import { XdsMetrics } from '../metrics/xds-metrics';
import { XdsConfig } from '../xds-config';
import { ConnectedProxiesService } from './connected-proxies.service';
import { PushTraces } from './push-traces';
import { TenantDebouncer } from './tenant-debouncer';

/** Turns config changes into pushes, one per settled burst per tenant (XDS_PUSH_QUIET_MS, XDS_PUSH_MAX_DELAY_MS). */
@Injectable()
export class ConfigPushesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ConfigPushesService.name);
  private readonly debouncer: TenantDebouncer;
  private readonly traces = new PushTraces();

  constructor(
    config: XdsConfig,
    connected: ConnectedProxiesService,
    private readonly metrics: XdsMetrics,
  ) {
    const window = { quietMs: config.XDS_PUSH_QUIET_MS, maxDelayMs: config.XDS_PUSH_MAX_DELAY_MS };
    this.debouncer = new TenantDebouncer(window, (tenantId) => {
      this.traces
        .push(tenantId, () => connected.refreshTenant(tenantId))
        .catch((error: unknown) => {
          this.logger.error(
            `push of tenant ${tenantId} failed`,
            error instanceof Error ? error.stack : String(error),
          );
        });
    });
    metrics.watch({ pushesWaiting: () => this.debouncer.waiting() });
  }

  /** The tenant's declared config changed (to `version`, written at `occurredAt`, when known). */
  changed(tenantId: string, change?: { version: number; occurredAt: string }): void {
    const at = change ? Date.parse(change.occurredAt) : NaN;
    if (change && Number.isFinite(at)) this.metrics.origins.changed(tenantId, change.version, at);
    this.traces.note(tenantId);
    this.debouncer.changed(tenantId);
  }

  /** Pushes still waiting are dropped: the streams they were for are ending. */
  beforeApplicationShutdown(): void {
    this.debouncer.cancel();
  }
}

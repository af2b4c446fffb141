import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { XdsConfig } from '../xds-config';
import { ConnectedProxiesService } from './connected-proxies.service';
import { TenantDebouncer } from './tenant-debouncer';

/** Turns config changes into pushes, one per settled burst per tenant (XDS_PUSH_QUIET_MS, XDS_PUSH_MAX_DELAY_MS). */
@Injectable()
export class ConfigPushesService implements OnApplicationShutdown {
  private readonly logger = new Logger(ConfigPushesService.name);
  private readonly debouncer: TenantDebouncer;

  constructor(config: XdsConfig, connected: ConnectedProxiesService) {
    const window = { quietMs: config.XDS_PUSH_QUIET_MS, maxDelayMs: config.XDS_PUSH_MAX_DELAY_MS };
    this.debouncer = new TenantDebouncer(window, (tenantId) => {
      connected.refreshTenant(tenantId).catch((error: unknown) => {
        this.logger.error(
          `push of tenant ${tenantId} failed`,
          error instanceof Error ? error.stack : String(error),
        );
      });
    });
  }

  /** The tenant's declared config changed. */
  changed(tenantId: string): void {
    this.debouncer.changed(tenantId);
  }

  onApplicationShutdown(): void {
    this.debouncer.flush();
  }
}

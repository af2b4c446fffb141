import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TenantEventHub } from '../events/tenant-event-hub';
import { TenantReadCache } from './tenant-read-cache';

/**
 * Retires a tenant's cached reads when its `fleet.config.updated` event arrives, whichever replica
 * wrote: the writer's own replica has done so at commit already, this covers the others (and
 * writes by anything but the API).
 */
@Injectable()
export class ReadCacheInvalidation implements OnModuleInit, OnModuleDestroy {
  private stop: (() => void) | undefined;

  constructor(
    private readonly hub: TenantEventHub,
    private readonly cache: TenantReadCache,
  ) {}

  onModuleInit(): void {
    if (!this.cache.enabled) return;
    this.stop = this.hub.listenToAll((event) => {
      if (event.type === 'config.updated') void this.cache.invalidate(event.tenantId);
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}

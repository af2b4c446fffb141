import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReadCacheInterceptor } from './read-cache.interceptor';
import { ReadCacheInvalidation } from './read-cache-invalidation';
import { TenantReadCache } from './tenant-read-cache';

/** Cache-aside for GETs of tenant config, retired by the tenant's writes and their events. */
@Global()
@Module({
  providers: [
    TenantReadCache,
    ReadCacheInvalidation,
    { provide: APP_INTERCEPTOR, useClass: ReadCacheInterceptor },
  ],
  exports: [TenantReadCache],
})
export class ReadCacheModule {}

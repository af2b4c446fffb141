import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { QuotasController } from './quotas.controller';
import { RequestRateInterceptor } from './request-rate.interceptor';
import { TenantQuotasService } from './tenant-quotas.service';
import { TenantRequestRate } from './tenant-request-rate';

/** Per-tenant quotas: object counts (checked by ConfigChangeService) and requests per second. */
@Global()
@Module({
  controllers: [QuotasController],
  providers: [
    TenantQuotasService,
    TenantRequestRate,
    { provide: APP_INTERCEPTOR, useClass: RequestRateInterceptor },
  ],
  exports: [TenantQuotasService, TenantRequestRate],
})
export class QuotasModule {}

import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConditionalRequestsInterceptor } from './conditional-requests.interceptor';
import { NotModifiedHook } from './not-modified.hook';

/** ETag, If-Match (checked by ConfigChangeService) and If-None-Match on every API object. */
@Module({
  providers: [{ provide: APP_INTERCEPTOR, useClass: ConditionalRequestsInterceptor }, NotModifiedHook],
})
export class ConcurrencyModule {}

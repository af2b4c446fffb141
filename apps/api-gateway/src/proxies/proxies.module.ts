import { Module } from '@nestjs/common';
import { ProxiesController } from './proxies.controller';
import { ProxiesService } from './proxies.service';
import { ProxyTokensService } from './proxy-tokens.service';

@Module({
  controllers: [ProxiesController],
  providers: [ProxiesService, ProxyTokensService],
  exports: [ProxyTokensService],
})
export class ProxiesModule {}

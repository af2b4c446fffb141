import { IsIn, IsOptional } from 'class-validator';
import { ProxySync, SYNC_FILTERS } from '../proxy-sync';

/** `GET /v1/proxies?sync=`. */
export class ListProxiesQueryDto {
  @IsOptional() @IsIn(SYNC_FILTERS) sync?: ProxySync;
}

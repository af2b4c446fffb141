import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../common/list-query.dto';
import { ProxySync, SYNC_FILTERS } from '../proxy-sync';

/** `GET /v1/proxies?sync=`. */
export class ListProxiesQueryDto extends ListQueryDto {
  @IsOptional() @IsIn(SYNC_FILTERS) sync?: ProxySync;
}

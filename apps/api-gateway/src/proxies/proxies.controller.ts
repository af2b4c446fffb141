import { ProxyRecord } from '@envoy-fleet/data-access';
import { DomainError, Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { CreateProxyDto } from './dto/proxy.dto';
import { ProxiesService, ProxyView } from './proxies.service';

/** `/v1/proxies`: the Envoys (and proxyless gRPC clients) of the caller's tenant, with their sync status. */
@Controller('v1/proxies')
@Authenticated()
export class ProxiesController {
  constructor(private readonly proxies: ProxiesService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: ProxyRecord[] }> {
    return { items: await this.proxies.list(principal) };
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<ProxyView> {
    return this.proxies.get(principal, id);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  register(@CurrentPrincipal() principal: Principal, @Body() dto: CreateProxyDto): Promise<ProxyRecord> {
    return this.proxies.register(principal, dto.nodeId, checkLabels(dto.labels ?? {}));
  }

  @Delete(':id')
  @Roles(...WRITER_ROLES)
  @HttpCode(204)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.proxies.remove(principal, id);
  }
}

/** Labels are string to string, like Kubernetes labels. */
function checkLabels(labels: Record<string, unknown>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (!/^[a-zA-Z0-9._/-]{1,63}$/.test(key))
      throw DomainError.invalid(`labels.${key}`, 'is not a valid label key');
    if (typeof value !== 'string' || value.length > 253) {
      throw DomainError.invalid(`labels.${key}`, 'must be a string of at most 253 characters');
    }
  }
  return labels as Record<string, string>;
}

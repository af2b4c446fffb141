import { Database, FleetKeyRepository, ProxyRecord, proxyTokenKey } from '@envoy-fleet/data-access';
import { signProxyToken } from '@envoy-fleet/domain';
import { Injectable } from '@nestjs/common';
import { stringify } from 'yaml';
import { ApiConfig } from '../api-config';
import { envoyBootstrap, grpcBootstrap } from './bootstrap';
import { BootstrapQueryDto } from './dto/bootstrap-query.dto';

/** A rendered bootstrap and its media type. */
export interface RenderedBootstrap {
  contentType: string;
  body: string;
}

/** Issues proxy tokens and the bootstraps that carry them. */
@Injectable()
export class ProxyTokensService {
  private key?: Promise<string>;

  constructor(
    private readonly config: ApiConfig,
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
  ) {}

  /** A token for the proxy's current generation. */
  async issue(proxy: ProxyRecord): Promise<string> {
    this.key ??= proxyTokenKey(this.db, this.keys, this.config.PROXY_TOKEN_SECRET);
    const claims = { proxyId: proxy.id, tenantId: proxy.tenantId, nodeId: proxy.nodeId };
    return signProxyToken({ ...claims, generation: proxy.tokenGeneration }, await this.key);
  }

  /** The bootstrap `query` asks for, with a fresh token in it. */
  async bootstrap(proxy: ProxyRecord, query: BootstrapQueryDto): Promise<RenderedBootstrap> {
    const options = {
      nodeId: proxy.nodeId,
      token: await this.issue(proxy),
      xdsAddress: this.config.XDS_ADVERTISED_ADDRESS,
      metricsAddress: this.config.METRICS_ADVERTISED_ADDRESS,
      mode: query.mode ?? 'sotw',
    };
    const client = query.client ?? 'envoy';
    const document = client === 'grpc' ? grpcBootstrap(options) : envoyBootstrap(options);
    const format = query.format ?? (client === 'grpc' ? 'json' : 'yaml');
    return format === 'json'
      ? { contentType: 'application/json', body: `${JSON.stringify(document, null, 2)}\n` }
      : { contentType: 'application/yaml', body: stringify(document) };
  }
}

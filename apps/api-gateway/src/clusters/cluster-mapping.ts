import { Cluster, Endpoint } from '@envoy-fleet/domain';
import { ClusterSpecDto, EndpointDto } from './dto/cluster.dto';

/** Envoy's own default connect timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Fills the defaults a person leaves out of an endpoint. */
export function toEndpoint(dto: EndpointDto): Endpoint {
  return {
    address: dto.address,
    port: dto.port,
    weight: dto.weight ?? 1,
    priority: dto.priority ?? 0,
    locality: {
      region: dto.locality?.region ?? '',
      zone: dto.locality?.zone ?? '',
      subZone: dto.locality?.subZone ?? '',
    },
    healthStatus: dto.healthStatus ?? 'UNKNOWN',
  };
}

/** Fills the defaults a person leaves out of a cluster. */
export function toCluster(name: string, dto: ClusterSpecDto): Cluster {
  return {
    name,
    lbPolicy: dto.lbPolicy ?? 'ROUND_ROBIN',
    connectTimeoutMs: dto.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    http2: dto.http2 ?? false,
    endpoints: (dto.endpoints ?? []).map(toEndpoint),
  };
}

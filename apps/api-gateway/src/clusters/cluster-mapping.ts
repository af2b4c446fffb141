import { Cluster, DomainError, Endpoint, HealthCheck } from '@envoy-fleet/domain';
import { ClusterSpecDto, EndpointDto, HealthCheckDto } from './dto/cluster.dto';

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

function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function toHealthCheck(dto: HealthCheckDto, index: number): HealthCheck {
  if ((dto.http === undefined) === (dto.tcp === undefined)) {
    throw DomainError.invalid(`healthChecks[${index}]`, 'set exactly one of http or tcp');
  }
  if (dto.tcp !== undefined && Object.keys(dto.tcp).length > 0) {
    throw DomainError.invalid(`healthChecks[${index}].tcp`, 'must be {} (a TCP connect check)');
  }
  return plain<HealthCheck>({
    timeoutMs: dto.timeoutMs,
    intervalMs: dto.intervalMs,
    // Envoy's own defaults would be required fields left unset: 3 failures down, 1 success up.
    unhealthyThreshold: dto.unhealthyThreshold ?? 3,
    healthyThreshold: dto.healthyThreshold ?? 1,
    http: dto.http,
    tcp: dto.tcp,
  });
}

/** Fills the defaults a person leaves out of a cluster. */
export function toCluster(name: string, dto: ClusterSpecDto): Cluster {
  return {
    name,
    lbPolicy: dto.lbPolicy ?? 'ROUND_ROBIN',
    connectTimeoutMs: dto.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    http2: dto.http2 ?? false,
    endpoints: (dto.endpoints ?? []).map(toEndpoint),
    ...(dto.healthChecks !== undefined ? { healthChecks: dto.healthChecks.map(toHealthCheck) } : {}),
    ...(dto.circuitBreakers !== undefined ? { circuitBreakers: plain(dto.circuitBreakers) } : {}),
    ...(dto.outlierDetection !== undefined ? { outlierDetection: plain(dto.outlierDetection) } : {}),
    ...(dto.tls !== undefined ? { tls: plain(dto.tls) } : {}),
  };
}

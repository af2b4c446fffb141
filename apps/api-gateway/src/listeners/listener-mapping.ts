import { DomainError, FilterChain, Listener } from '@envoy-fleet/domain';
import { ListenerSpecDto } from './dto/listener.dto';

/** A socket listener binds all addresses unless told otherwise. */
export function toListener(name: string, dto: ListenerSpecDto): Listener {
  if (dto.address !== undefined && dto.port === undefined) {
    throw DomainError.invalid('port', 'is required when address is set');
  }
  return {
    name,
    ...(dto.routeConfigName !== undefined ? { routeConfigName: dto.routeConfigName } : {}),
    ...(dto.filterChains !== undefined
      ? { filterChains: JSON.parse(JSON.stringify(dto.filterChains)) as FilterChain[] }
      : {}),
    ...(dto.port !== undefined ? { port: dto.port, address: dto.address ?? '0.0.0.0' } : {}),
  };
}

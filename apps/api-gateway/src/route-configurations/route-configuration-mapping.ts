import { RouteConfiguration } from '@envoy-fleet/domain';
import { RouteConfigurationSpecDto } from './dto/route-configuration.dto';

/** Turns the request body into the domain shape, naming unnamed routes by position. */
export function toRouteConfiguration(name: string, dto: RouteConfigurationSpecDto): RouteConfiguration {
  return {
    name,
    virtualHosts: dto.virtualHosts.map((host) => ({
      name: host.name,
      domains: host.domains,
      routes: host.routes.map((route, index) => ({
        name: route.name ?? `${host.name}-${index}`,
        match: {
          ...(route.match.prefix !== undefined ? { prefix: route.match.prefix } : {}),
          ...(route.match.path !== undefined ? { path: route.match.path } : {}),
        },
        action: {
          ...(route.action.cluster !== undefined ? { cluster: route.action.cluster } : {}),
          ...(route.action.weightedClusters !== undefined
            ? {
                weightedClusters: route.action.weightedClusters.map((wc) => ({
                  cluster: wc.cluster,
                  weight: wc.weight,
                })),
              }
            : {}),
          ...(route.action.timeoutMs !== undefined ? { timeoutMs: route.action.timeoutMs } : {}),
        },
      })),
    })),
  };
}

import { route as envoyRoute } from '@envoy-fleet/envoy-api';
import type { Route, RouteConfiguration } from '@envoy-fleet/domain';
import { durationFromMs } from './pack';

/** Renders a route configuration with its virtual hosts and routes, in declared order. */
export function renderRouteConfiguration(config: RouteConfiguration): envoyRoute.RouteConfiguration {
  return envoyRoute.RouteConfiguration.fromPartial({
    name: config.name,
    virtualHosts: config.virtualHosts.map((host) => ({
      name: host.name,
      domains: host.domains,
      routes: host.routes.map(renderRoute),
    })),
  });
}

function renderRoute(route: Route): envoyRoute.Route {
  const { action, match } = route;
  return envoyRoute.Route.fromPartial({
    name: route.name,
    match: match.path !== undefined ? { path: match.path } : { prefix: match.prefix ?? '/' },
    route: {
      cluster: action.cluster,
      weightedClusters: action.weightedClusters && {
        clusters: action.weightedClusters.map(({ cluster, weight }) => ({ name: cluster, weight })),
      },
      timeout: action.timeoutMs === undefined ? undefined : durationFromMs(action.timeoutMs),
    },
  });
}

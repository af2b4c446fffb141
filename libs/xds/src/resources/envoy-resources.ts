import type { cluster, endpoint, listener, route, tls } from '@envoy-fleet/envoy-api';
import type { TenantConfig } from '@envoy-fleet/domain';
import { renderCluster } from './cluster';
import { renderListener } from './listener';
import { renderLoadAssignment } from './load-assignment';
import { renderRouteConfiguration } from './route-configuration';
import { renderSecret } from './secret';

/** One node's Envoy resources, by domain resource type. */
export interface EnvoyResources {
  listener: listener.Listener[];
  route: route.RouteConfiguration[];
  cluster: cluster.Cluster[];
  endpoint: endpoint.ClusterLoadAssignment[];
  secret: tls.Secret[];
}

/** Renders a tenant's declared config into the Envoy resources every proxy of it receives. */
export function renderTenantConfig(config: TenantConfig): EnvoyResources {
  return {
    listener: config.listeners.map(renderListener),
    route: config.routeConfigurations.map(renderRouteConfiguration),
    cluster: config.clusters.map(renderCluster),
    endpoint: config.clusters.map(renderLoadAssignment),
    secret: config.secrets.map(renderSecret),
  };
}

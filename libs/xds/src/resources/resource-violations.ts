import {
  cluster as envoyCluster,
  CLUSTER_LOAD_ASSIGNMENT_TYPE_URL,
  CLUSTER_TYPE_URL,
  endpoint as envoyEndpoint,
  listener as envoyListener,
  LISTENER_TYPE_URL,
  route as envoyRoute,
  ROUTE_CONFIGURATION_TYPE_URL,
  SECRET_TYPE_URL,
  tls,
} from '@envoy-fleet/envoy-api';
import type { Cluster, FieldViolation, Listener, RouteConfiguration, Secret } from '@envoy-fleet/domain';
import { renderCluster } from './cluster';
import { renderListener } from './listener';
import { renderLoadAssignment } from './load-assignment';
import { renderRouteConfiguration } from './route-configuration';
import { renderSecret } from './secret';
import { resourceViolations } from './validate-resource';

// Each API object is rendered exactly as the xDS server will render it, then checked against the
// validate rules of Envoy's protos, so the API refuses what a proxy would NACK.

/** What Envoy would refuse in the cluster and its load assignment. */
export function clusterViolationsOfEnvoy(cluster: Cluster): FieldViolation[] {
  return [
    ...resourceViolations(CLUSTER_TYPE_URL, envoyCluster.Cluster.encode(renderCluster(cluster)).finish()),
    ...resourceViolations(
      CLUSTER_LOAD_ASSIGNMENT_TYPE_URL,
      envoyEndpoint.ClusterLoadAssignment.encode(renderLoadAssignment(cluster)).finish(),
    ).map((v) => ({ ...v, field: `loadAssignment.${v.field}` })),
  ];
}

/** What Envoy would refuse in the listener. */
export function listenerViolationsOfEnvoy(listener: Listener): FieldViolation[] {
  return resourceViolations(
    LISTENER_TYPE_URL,
    envoyListener.Listener.encode(renderListener(listener)).finish(),
  );
}

/** What Envoy would refuse in the route configuration. */
export function routeConfigurationViolationsOfEnvoy(config: RouteConfiguration): FieldViolation[] {
  return resourceViolations(
    ROUTE_CONFIGURATION_TYPE_URL,
    envoyRoute.RouteConfiguration.encode(renderRouteConfiguration(config)).finish(),
  );
}

/** What Envoy would refuse in the secret. */
export function secretViolationsOfEnvoy(secret: Secret): FieldViolation[] {
  return resourceViolations(SECRET_TYPE_URL, tls.Secret.encode(renderSecret(secret)).finish());
}

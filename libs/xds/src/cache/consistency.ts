import {
  HTTP_CONNECTION_MANAGER_TYPE_URL,
  hcm,
  TCP_PROXY_TYPE_URL,
  tcpProxy,
  type listener as envoyListener,
  type protobuf,
} from '@envoy-fleet/envoy-api';
import type { FieldViolation } from '@envoy-fleet/domain';
import type { EnvoyResources } from '../resources/envoy-resources';

/**
 * Finds dangling references that would leave a proxy waiting forever: a listener's route
 * configuration or TCP proxy cluster, a route's cluster, a cluster's load assignment. Empty means
 * consistent.
 */
export function findInconsistencies(resources: EnvoyResources): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const routeNames = new Set(resources.route.map((r) => r.name));
  const clusterNames = new Set(resources.cluster.map((c) => c.name));
  const assignmentNames = new Set(resources.endpoint.map((e) => e.clusterName));

  for (const listener of resources.listener) {
    for (const name of routeConfigNamesOf(listener)) {
      if (!routeNames.has(name)) {
        violations.push({
          field: `listener[${listener.name}]`,
          message: `route configuration '${name}' does not exist`,
        });
      }
    }
    for (const name of tcpProxyClustersOf(listener)) {
      if (!clusterNames.has(name)) {
        violations.push({ field: `listener[${listener.name}]`, message: `cluster '${name}' does not exist` });
      }
    }
  }
  for (const config of resources.route) {
    for (const host of config.virtualHosts) {
      for (const route of host.routes) {
        const action = route.route;
        const names = [action?.cluster, ...(action?.weightedClusters?.clusters.map((c) => c.name) ?? [])];
        for (const name of names) {
          if (name !== undefined && !clusterNames.has(name)) {
            violations.push({
              field: `route[${config.name}].${host.name}.${route.name}`,
              message: `cluster '${name}' does not exist`,
            });
          }
        }
      }
    }
  }
  for (const cluster of resources.cluster) {
    if (cluster.edsClusterConfig === undefined) continue;
    const name = cluster.edsClusterConfig.serviceName || cluster.name;
    if (!assignmentNames.has(name)) {
      violations.push({
        field: `cluster[${cluster.name}]`,
        message: `load assignment '${name}' does not exist`,
      });
    }
  }
  return violations;
}

/** The RDS route configuration names a listener's connection managers point at. */
export function routeConfigNamesOf(listener: envoyListener.Listener): string[] {
  const configs: (protobuf.Any | undefined)[] = [listener.apiListener?.apiListener];
  for (const chain of listener.filterChains) {
    configs.push(...chain.filters.map((filter) => filter.typedConfig));
  }
  return configs
    .filter((any): any is protobuf.Any => any?.typeUrl === HTTP_CONNECTION_MANAGER_TYPE_URL)
    .map((any) => hcm.HttpConnectionManager.decode(any.value).rds?.routeConfigName)
    .filter((name): name is string => name !== undefined);
}

/** The clusters a listener's TCP proxies send connections to. */
export function tcpProxyClustersOf(listener: envoyListener.Listener): string[] {
  return listener.filterChains
    .flatMap((chain) => chain.filters.map((filter) => filter.typedConfig))
    .filter((any): any is protobuf.Any => any?.typeUrl === TCP_PROXY_TYPE_URL)
    .flatMap((any) => {
      const proxy = tcpProxy.TcpProxy.decode(any.value);
      return proxy.cluster !== undefined
        ? [proxy.cluster]
        : (proxy.weightedClusters?.clusters.map((c) => c.name) ?? []);
    });
}

import { core, endpoint as envoyEndpoint } from '@envoy-fleet/envoy-api';
import type { Cluster, Endpoint, HealthStatus } from '@envoy-fleet/domain';

const HEALTH_STATUSES: Record<HealthStatus, core.HealthStatus> = {
  UNKNOWN: core.HealthStatus.UNKNOWN,
  HEALTHY: core.HealthStatus.HEALTHY,
  UNHEALTHY: core.HealthStatus.UNHEALTHY,
  DRAINING: core.HealthStatus.DRAINING,
};

/**
 * Renders a cluster's endpoints, grouped by (priority, locality). Every group carries its
 * locality and a weight (the sum of its endpoints'): gRPC clients drop groups without them.
 */
export function renderLoadAssignment(cluster: Cluster): envoyEndpoint.ClusterLoadAssignment {
  const groups = new Map<string, envoyEndpoint.LocalityLbEndpoints>();
  for (const endpoint of cluster.endpoints) {
    const { region, zone, subZone } = endpoint.locality;
    const key = JSON.stringify([endpoint.priority, region, zone, subZone]);
    let group = groups.get(key);
    if (!group) {
      group = envoyEndpoint.LocalityLbEndpoints.fromPartial({
        locality: { region, zone, subZone },
        priority: endpoint.priority,
        loadBalancingWeight: 0,
      });
      groups.set(key, group);
    }
    group.lbEndpoints.push(renderLbEndpoint(endpoint));
    group.loadBalancingWeight = (group.loadBalancingWeight ?? 0) + endpoint.weight;
  }
  return envoyEndpoint.ClusterLoadAssignment.fromPartial({
    clusterName: cluster.name,
    endpoints: [...groups.values()].sort((a, b) => a.priority - b.priority),
  });
}

function renderLbEndpoint(endpoint: Endpoint): envoyEndpoint.LbEndpoint {
  return envoyEndpoint.LbEndpoint.fromPartial({
    endpoint: {
      address: { socketAddress: { address: endpoint.address, portValue: endpoint.port } },
    },
    healthStatus: HEALTH_STATUSES[endpoint.healthStatus],
    loadBalancingWeight: endpoint.weight,
  });
}

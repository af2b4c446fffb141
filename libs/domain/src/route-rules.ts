import { Route, RouteConfiguration } from './config-model';
import { FieldViolation } from './errors';

/** A cluster name used by a route, with the JSON path of the field that names it. */
export interface ClusterReference {
  field: string;
  cluster: string;
}

/** Rules the DTO shape cannot express: one match and one action per route, unique names and domains. */
export function routeConfigurationViolations(
  config: Pick<RouteConfiguration, 'virtualHosts'>,
): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const hostNames = new Set<string>();
  const domainOwners = new Map<string, string>();
  config.virtualHosts.forEach((host, h) => {
    const at = `virtualHosts[${h}]`;
    if (hostNames.has(host.name)) {
      violations.push({ field: `${at}.name`, message: `duplicate virtual host '${host.name}'` });
    }
    hostNames.add(host.name);
    // Envoy rejects a route configuration in which two virtual hosts claim one domain.
    host.domains.forEach((domain, d) => {
      const owner = domainOwners.get(domain.toLowerCase());
      if (owner === undefined) domainOwners.set(domain.toLowerCase(), host.name);
      else {
        const message = `domain '${domain}' is already served by virtual host '${owner}'`;
        violations.push({ field: `${at}.domains[${d}]`, message });
      }
    });
    host.routes.forEach((route, r) => violations.push(...routeViolations(route, `${at}.routes[${r}]`)));
  });
  return violations;
}

function routeViolations(route: Route, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const matches = [route.match.prefix, route.match.path].filter((m) => m !== undefined).length;
  if (matches !== 1)
    violations.push({ field: `${path}.match`, message: 'set exactly one of prefix or path' });
  const actions = [route.action.cluster, route.action.weightedClusters].filter((a) => a !== undefined).length;
  if (actions !== 1) {
    violations.push({ field: `${path}.action`, message: 'set exactly one of cluster or weightedClusters' });
  }
  const weights = route.action.weightedClusters?.map((wc) => wc.weight);
  if (weights && weights.reduce((sum, w) => sum + w, 0) === 0) {
    violations.push({ field: `${path}.action.weightedClusters`, message: 'weights must not all be 0' });
  }
  return violations;
}

/** Every cluster a route configuration sends traffic to. */
export function clusterReferences(config: Pick<RouteConfiguration, 'virtualHosts'>): ClusterReference[] {
  return config.virtualHosts.flatMap((host, h) =>
    host.routes.flatMap((route, r) => {
      const path = `virtualHosts[${h}].routes[${r}].action`;
      if (route.action.cluster !== undefined)
        return [{ field: `${path}.cluster`, cluster: route.action.cluster }];
      return (route.action.weightedClusters ?? []).map((wc, w) => ({
        field: `${path}.weightedClusters[${w}].cluster`,
        cluster: wc.cluster,
      }));
    }),
  );
}

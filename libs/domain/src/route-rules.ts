import { QueryParameterMatch, Route, RouteAction, RouteConfiguration } from './config-model';
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
  const { match, action } = route;
  if (countSet(match.prefix, match.path, match.regex) !== 1)
    violations.push({ field: `${path}.match`, message: 'set exactly one of prefix, path or regex' });
  if (match.regex !== undefined) violations.push(...regexViolations(match.regex, `${path}.match.regex`));
  (match.headers ?? []).forEach((header, i) =>
    violations.push(...conditionViolations(header, `${path}.match.headers[${i}]`)),
  );
  (match.queryParameters ?? []).forEach((param, i) =>
    violations.push(...conditionViolations(param, `${path}.match.queryParameters[${i}]`)),
  );
  if (countSet(route.action, route.redirect, route.directResponse) !== 1) {
    violations.push({ field: path, message: 'set exactly one of action, redirect or directResponse' });
  }
  if (action !== undefined) violations.push(...actionViolations(action, `${path}.action`));
  return violations;
}

function actionViolations(action: RouteAction, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (countSet(action.cluster, action.weightedClusters) !== 1) {
    violations.push({ field: path, message: 'set exactly one of cluster or weightedClusters' });
  }
  const weights = action.weightedClusters?.map((wc) => wc.weight);
  if (weights && weights.reduce((sum, w) => sum + w, 0) === 0) {
    violations.push({ field: `${path}.weightedClusters`, message: 'weights must not all be 0' });
  }
  if (action.prefixRewrite !== undefined && action.regexRewrite !== undefined) {
    violations.push({
      field: `${path}.regexRewrite`,
      message: 'set at most one of prefixRewrite or regexRewrite',
    });
  }
  if (action.regexRewrite !== undefined) {
    violations.push(...regexViolations(action.regexRewrite.pattern, `${path}.regexRewrite.pattern`));
  }
  return violations;
}

function conditionViolations(condition: QueryParameterMatch, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (countSet(condition.exact, condition.prefix, condition.regex, condition.present) !== 1) {
    violations.push({ field: path, message: 'set exactly one of exact, prefix, regex or present' });
  }
  if (condition.regex !== undefined) violations.push(...regexViolations(condition.regex, `${path}.regex`));
  return violations;
}

// Envoy compiles safe_regex with RE2, which has no lookaround or backreferences; a pattern RE2
// cannot compile is a NACK, so it is refused here. JavaScript's parser stands in for the rest.
const NOT_RE2 = /\(\?[=!<]|\\[1-9]/;

/** Violations of a regular expression that Envoy's RE2 would refuse. */
export function regexViolations(pattern: string, field: string): FieldViolation[] {
  if (NOT_RE2.test(pattern)) {
    return [{ field, message: 'lookaround and backreferences are not supported (RE2)' }];
  }
  try {
    new RegExp(pattern, 'u');
    return [];
  } catch (error) {
    return [{ field, message: `not a valid regular expression: ${(error as Error).message}` }];
  }
}

function countSet(...values: unknown[]): number {
  return values.filter((v) => v !== undefined).length;
}

/** Every cluster a route configuration sends traffic to. */
export function clusterReferences(config: Pick<RouteConfiguration, 'virtualHosts'>): ClusterReference[] {
  return config.virtualHosts.flatMap((host, h) =>
    host.routes.flatMap((route, r) => {
      const path = `virtualHosts[${h}].routes[${r}].action`;
      if (route.action === undefined) return [];
      if (route.action.cluster !== undefined)
        return [{ field: `${path}.cluster`, cluster: route.action.cluster }];
      return (route.action.weightedClusters ?? []).map((wc, w) => ({
        field: `${path}.weightedClusters[${w}].cluster`,
        cluster: wc.cluster,
      }));
    }),
  );
}

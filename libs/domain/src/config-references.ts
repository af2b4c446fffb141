import { Cluster, FilterChain, Listener } from './config-model';
import { FieldViolation } from './errors';

/** Another config object named by a field, with the JSON path of that field. */
export interface ConfigReference {
  field: string;
  kind: 'cluster' | 'route-configuration' | 'secret';
  name: string;
}

/** The secrets a cluster's upstream TLS uses. */
export function clusterSecretReferences(cluster: Pick<Cluster, 'tls'>): ConfigReference[] {
  const refs: ConfigReference[] = [];
  if (cluster.tls?.certificateSecret !== undefined)
    refs.push({ field: 'tls.certificateSecret', kind: 'secret', name: cluster.tls.certificateSecret });
  if (cluster.tls?.validationSecret !== undefined)
    refs.push({ field: 'tls.validationSecret', kind: 'secret', name: cluster.tls.validationSecret });
  return refs;
}

/** The route configurations, clusters and secrets a listener uses. */
export function listenerReferences(listener: Listener): ConfigReference[] {
  const refs: ConfigReference[] = [];
  if (listener.routeConfigName !== undefined) {
    refs.push({ field: 'routeConfigName', kind: 'route-configuration', name: listener.routeConfigName });
  }
  (listener.filterChains ?? []).forEach((chain, i) => {
    const at = `filterChains[${i}]`;
    if (chain.routeConfigName !== undefined)
      refs.push({ field: `${at}.routeConfigName`, kind: 'route-configuration', name: chain.routeConfigName });
    refs.push(...tcpProxyClusterReferences(chain, `${at}.tcpProxy`));
    if (chain.tls !== undefined)
      refs.push({ field: `${at}.tls.certificateSecret`, kind: 'secret', name: chain.tls.certificateSecret });
    if (chain.tls?.validationSecret !== undefined)
      refs.push({ field: `${at}.tls.validationSecret`, kind: 'secret', name: chain.tls.validationSecret });
  });
  return refs;
}

function tcpProxyClusterReferences({ tcpProxy }: FilterChain, at: string): ConfigReference[] {
  if (tcpProxy === undefined) return [];
  const refs: ConfigReference[] = [];
  if (tcpProxy.cluster !== undefined)
    refs.push({ field: `${at}.cluster`, kind: 'cluster', name: tcpProxy.cluster });
  (tcpProxy.weightedClusters ?? []).forEach((wc, w) =>
    refs.push({ field: `${at}.weightedClusters[${w}].cluster`, kind: 'cluster', name: wc.cluster }),
  );
  return refs;
}

/** What a chain does: exactly one of an HTTP connection manager or a TCP proxy, which names its upstream once. */
function filterChainViolations(chain: FilterChain, at: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const { routeConfigName, tcpProxy } = chain;
  if (routeConfigName !== undefined && tcpProxy !== undefined) {
    violations.push({
      field: `${at}.tcpProxy`,
      message: 'set exactly one of routeConfigName or tcpProxy, not both',
    });
  } else if (routeConfigName === undefined && tcpProxy === undefined) {
    violations.push({
      field: `${at}.routeConfigName`,
      message: 'set exactly one of routeConfigName or tcpProxy',
    });
  }
  if (
    tcpProxy !== undefined &&
    (tcpProxy.cluster === undefined) === (tcpProxy.weightedClusters === undefined)
  ) {
    violations.push({
      field: `${at}.tcpProxy.cluster`,
      message: 'set exactly one of cluster or weightedClusters',
    });
  }
  return violations;
}

/**
 * Rules the DTO shape cannot express: routeConfigName or filterChains, chains only on sockets, an
 * HTTP connection manager or a TCP proxy in each chain, distinct SNI matches.
 */
export function listenerViolations(listener: Listener): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const chains = listener.filterChains;
  if ((listener.routeConfigName === undefined) === (chains === undefined)) {
    violations.push({
      field: 'routeConfigName',
      message: 'set exactly one of routeConfigName or filterChains',
    });
  }
  if (chains !== undefined && listener.port === undefined) {
    violations.push({ field: 'filterChains', message: 'needs a port: an API listener has no filter chains' });
  }
  const owners = new Map<string, number>();
  (chains ?? []).forEach((chain, i) => {
    const at = `filterChains[${i}]`;
    violations.push(...filterChainViolations(chain, at));
    // Envoy refuses a listener whose filter chains have identical matches.
    const names = chain.serverNames?.length ? chain.serverNames : [''];
    names.forEach((name, n) => {
      const owner = owners.get(name.toLowerCase());
      if (owner === undefined) owners.set(name.toLowerCase(), i);
      else {
        const field = chain.serverNames?.length ? `${at}.serverNames[${n}]` : at;
        const what = name ? `server name '${name}'` : 'a chain without server names';
        violations.push({ field, message: `${what} is already matched by filterChains[${owner}]` });
      }
    });
  });
  return violations;
}

/** Who uses a named object: the referrers, by kind and name, for refusing its deletion. */
export interface Referrer {
  kind: 'cluster' | 'listener' | 'route-configuration';
  name: string;
}

/** "route configuration 'a', listener 'b'": referrers for an error message. */
export function describeReferrers(referrers: Referrer[]): string {
  return referrers.map((r) => `${r.kind.replace('-', ' ')} '${r.name}'`).join(', ');
}

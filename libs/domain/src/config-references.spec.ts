import { clusterSecretReferences, listenerReferences, listenerViolations } from './config-references';
import { routeConfigurationViolations } from './route-rules';

describe('listenerViolations', () => {
  it('takes either routeConfigName or filterChains, and filter chains only on a socket', () => {
    expect(listenerViolations({ name: 'l', routeConfigName: 'r' })).toEqual([]);
    expect(listenerViolations({ name: 'l' }).map((v) => v.field)).toEqual(['routeConfigName']);
    expect(
      listenerViolations({ name: 'l', filterChains: [{ routeConfigName: 'r' }] }).map((v) => v.field),
    ).toEqual(['filterChains']);
  });

  it('refuses two chains with the same SNI match (Envoy rejects duplicate filter chain matches)', () => {
    const violations = listenerViolations({
      name: 'l',
      port: 443,
      filterChains: [
        { serverNames: ['a.example.com'], routeConfigName: 'r' },
        { serverNames: ['b.example.com', 'A.example.com'], routeConfigName: 'r' },
        { routeConfigName: 'r' },
        { routeConfigName: 's' },
      ],
    });
    expect(violations.map((v) => v.field)).toEqual(['filterChains[1].serverNames[1]', 'filterChains[3]']);
  });
});

describe('listenerViolations for TCP proxy chains', () => {
  const fields = (...filterChains: object[]) =>
    listenerViolations({ name: 'l', port: 9000, filterChains: filterChains as never }).map((v) => v.field);

  it('takes exactly one of routeConfigName or tcpProxy in a chain', () => {
    expect(fields({ serverNames: ['a'], tcpProxy: { cluster: 'c' } }, { routeConfigName: 'r' })).toEqual([]);
    expect(fields({ routeConfigName: 'r', tcpProxy: { cluster: 'c' } })).toEqual([
      'filterChains[0].tcpProxy',
    ]);
    expect(fields({ serverNames: ['a'] })).toEqual(['filterChains[0].routeConfigName']);
  });

  it('takes exactly one of cluster or weightedClusters in a TCP proxy', () => {
    const both = { cluster: 'c', weightedClusters: [{ cluster: 'd', weight: 1 }] };
    expect(fields({ tcpProxy: both })).toEqual(['filterChains[0].tcpProxy.cluster']);
    expect(fields({ tcpProxy: { statPrefix: 's' } })).toEqual(['filterChains[0].tcpProxy.cluster']);
  });
});

describe('listenerReferences and clusterSecretReferences', () => {
  it('name the clusters a TCP proxy forwards to', () => {
    const refs = listenerReferences({
      name: 'l',
      port: 9000,
      filterChains: [
        { serverNames: ['a'], tcpProxy: { cluster: 'db' } },
        {
          tcpProxy: {
            weightedClusters: [
              { cluster: 'x', weight: 1 },
              { cluster: 'y', weight: 2 },
            ],
          },
        },
      ],
    });
    expect(refs).toEqual([
      { field: 'filterChains[0].tcpProxy.cluster', kind: 'cluster', name: 'db' },
      { field: 'filterChains[1].tcpProxy.weightedClusters[0].cluster', kind: 'cluster', name: 'x' },
      { field: 'filterChains[1].tcpProxy.weightedClusters[1].cluster', kind: 'cluster', name: 'y' },
    ]);
  });

  it('name every route configuration and secret with the field that refers to it', () => {
    const refs = listenerReferences({
      name: 'l',
      port: 443,
      filterChains: [{ tls: { certificateSecret: 'cert', validationSecret: 'ca' }, routeConfigName: 'r' }],
    });
    expect(refs).toEqual([
      { field: 'filterChains[0].routeConfigName', kind: 'route-configuration', name: 'r' },
      { field: 'filterChains[0].tls.certificateSecret', kind: 'secret', name: 'cert' },
      { field: 'filterChains[0].tls.validationSecret', kind: 'secret', name: 'ca' },
    ]);
    expect(clusterSecretReferences({ tls: { validationSecret: 'ca', sni: 'x' } })).toEqual([
      { field: 'tls.validationSecret', kind: 'secret', name: 'ca' },
    ]);
  });
});

describe('routeConfigurationViolations for the richer routes', () => {
  const one = (route: object) =>
    routeConfigurationViolations({
      virtualHosts: [
        { name: 'vh', domains: ['*'], routes: [{ name: 'r', match: { prefix: '/' }, ...route } as never] },
      ],
    });

  it('takes exactly one of action, redirect or directResponse', () => {
    expect(one({ redirect: { host: 'x' } })).toEqual([]);
    expect(one({ directResponse: { status: 200 }, redirect: { host: 'x' } }).map((v) => v.field)).toEqual([
      'virtualHosts[0].routes[0]',
    ]);
  });

  it('refuses regular expressions RE2 cannot compile, and ambiguous header conditions', () => {
    const violations = one({
      match: {
        regex: '/(?=x)',
        headers: [{ name: 'a', exact: '1', prefix: '1' }],
        queryParameters: [{ name: 'q' }],
      },
      action: { cluster: 'c' },
    });
    expect(violations.map((v) => v.field)).toEqual([
      'virtualHosts[0].routes[0].match.regex',
      'virtualHosts[0].routes[0].match.headers[0]',
      'virtualHosts[0].routes[0].match.queryParameters[0]',
    ]);
  });
});

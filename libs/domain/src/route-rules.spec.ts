import { clusterReferences, routeConfigurationViolations } from './route-rules';

const host = (routes: object[]) => ({ name: 'vh', domains: ['*'], routes }) as never;

describe('routeConfigurationViolations', () => {
  it('accepts one match and one action per route', () => {
    const config = {
      virtualHosts: [host([{ name: 'r', match: { prefix: '/' }, action: { cluster: 'a' } }])],
    };
    expect(routeConfigurationViolations(config)).toEqual([]);
  });

  it('names the route whose match or action is ambiguous or missing', () => {
    const config = {
      virtualHosts: [
        host([
          { name: 'r', match: { prefix: '/', path: '/x' }, action: {} },
          { name: 's', match: {}, action: { cluster: 'a', weightedClusters: [{ cluster: 'b', weight: 1 }] } },
        ]),
      ],
    };
    expect(routeConfigurationViolations(config).map((v) => v.field)).toEqual([
      'virtualHosts[0].routes[0].match',
      'virtualHosts[0].routes[0].action',
      'virtualHosts[0].routes[1].match',
      'virtualHosts[0].routes[1].action',
    ]);
  });

  it('refuses weighted clusters whose weights are all 0', () => {
    const route = {
      name: 'r',
      match: { prefix: '/' },
      action: { weightedClusters: [{ cluster: 'a', weight: 0 }] },
    };
    expect(routeConfigurationViolations({ virtualHosts: [host([route])] })).toEqual([
      { field: 'virtualHosts[0].routes[0].action.weightedClusters', message: 'weights must not all be 0' },
    ]);
  });

  it('refuses duplicate virtual host names', () => {
    const config = { virtualHosts: [host([]), { name: 'vh', domains: ['other'], routes: [] }] };
    expect(routeConfigurationViolations(config)).toEqual([
      { field: 'virtualHosts[1].name', message: "duplicate virtual host 'vh'" },
    ]);
  });

  it('refuses a domain claimed by two virtual hosts, in any case', () => {
    const config = {
      virtualHosts: [
        { name: 'one', domains: ['api.example.com'], routes: [] },
        { name: 'two', domains: ['other', 'API.example.com'], routes: [] },
      ],
    };
    expect(routeConfigurationViolations(config)).toEqual([
      {
        field: 'virtualHosts[1].domains[1]',
        message: "domain 'API.example.com' is already served by virtual host 'one'",
      },
    ]);
  });
});

describe('clusterReferences', () => {
  it('lists single and weighted cluster references with their fields', () => {
    const config = {
      virtualHosts: [
        host([
          { name: 'r', match: { prefix: '/' }, action: { cluster: 'a' } },
          { name: 's', match: { prefix: '/' }, action: { weightedClusters: [{ cluster: 'b', weight: 1 }] } },
        ]),
      ],
    };
    expect(clusterReferences(config)).toEqual([
      { field: 'virtualHosts[0].routes[0].action.cluster', cluster: 'a' },
      { field: 'virtualHosts[0].routes[1].action.weightedClusters[0].cluster', cluster: 'b' },
    ]);
  });
});

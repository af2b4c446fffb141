import { cluster, discovery } from '@envoy-fleet/envoy-api';
import { DomainError } from '@envoy-fleet/domain';
import { renderTenantConfig } from '../resources/envoy-resources';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import { Snapshot } from './snapshot';

describe(Snapshot.name, () => {
  it('refuses a listener naming a missing route configuration, a route naming a missing cluster, a cluster without load assignment', () => {
    const resources = renderTenantConfig(greeterConfig());
    resources.listener[0]!.name = 'greeter';
    const broken = {
      ...resources,
      route: renderTenantConfig(
        greeterConfig({
          routeConfigurations: [
            {
              name: 'other',
              virtualHosts: [
                {
                  name: 'vh',
                  domains: ['*'],
                  routes: [
                    {
                      name: 'r',
                      match: { prefix: '' },
                      action: { weightedClusters: [{ cluster: 'ghost', weight: 1 }] },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ).route,
      endpoint: [],
    };
    let error: unknown;
    try {
      Snapshot.create(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('FAILED_PRECONDITION');
    expect((error as DomainError).violations.map((v) => v.message)).toEqual([
      "route configuration 'greeter-routes' does not exist",
      "cluster 'ghost' does not exist",
      "load assignment 'backend-a' does not exist",
    ]);
  });

  it('refuses a listener whose TCP proxy sends connections to a missing cluster', () => {
    const resources = renderTenantConfig(
      greeterConfig({
        listeners: [
          { name: 'greeter', routeConfigName: 'greeter-routes' },
          {
            name: 'db',
            port: 5432,
            filterChains: [
              { tcpProxy: { cluster: 'pg' } },
              {
                serverNames: ['b.example.com'],
                tcpProxy: {
                  weightedClusters: [
                    { cluster: 'backend-a', weight: 1 },
                    { cluster: 'pg-replica', weight: 1 },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    expect(() => Snapshot.create(resources)).toThrow(DomainError);
    let error: DomainError | undefined;
    try {
      Snapshot.create(resources);
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.violations).toEqual([
      { field: 'listener[db]', message: "cluster 'pg' does not exist" },
      { field: 'listener[db]', message: "cluster 'pg-replica' does not exist" },
    ]);
  });

  it('versions each type by content: same content, same version; one change moves only that type', () => {
    const a = Snapshot.create(renderTenantConfig(greeterConfig()));
    const again = Snapshot.create(renderTenantConfig(greeterConfig({ version: 2 })));
    expect(again.versions()).toEqual(a.versions());
    const moved = Snapshot.create(
      renderTenantConfig(greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(50052)])] })),
    );
    expect(moved.resources('endpoint').version).not.toBe(a.resources('endpoint').version);
    expect(moved.resources('cluster').version).toBe(a.resources('cluster').version);
    expect(moved.resources('listener').version).toBe(a.resources('listener').version);
  });

  it('"It is an error for a server to send a single response that contains the same resource name twice": refuses duplicate names', () => {
    const resources = renderTenantConfig(greeterConfig());
    expect(() =>
      Snapshot.create({ ...resources, cluster: [...resources.cluster, ...resources.cluster] }),
    ).toThrow(DomainError);
  });

  it('encodes a response body once and reuses it', () => {
    const snapshot = Snapshot.create(renderTenantConfig(greeterConfig()));
    const first = snapshot.responseBody('cluster', undefined);
    expect(snapshot.responseBody('cluster', undefined).body).toBe(first.body);
    const decoded = discovery.DiscoveryResponse.decode(first.body);
    expect(decoded.versionInfo).toBe(snapshot.resources('cluster').version);
    expect(cluster.Cluster.decode(decoded.resources[0]!.value).name).toBe('backend-a');
    expect(snapshot.responseBody('cluster', ['nope', 'backend-a']).names).toEqual(['backend-a']);
  });
});

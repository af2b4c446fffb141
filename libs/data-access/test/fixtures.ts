// Sample config objects shared by the integration suites.
import type { Cluster, Listener, RouteConfiguration, Secret } from '@envoy-fleet/domain';
import { ClusterRepository, type Database, TenantRepository } from '../src';

/** Tenants `tenant-a` and `tenant-b`, each with one cluster: `a-backend` and `b-backend`. */
export async function twoTenantsWithClusters(
  database: Database,
): Promise<{ tenantA: string; tenantB: string }> {
  const tenants = new TenantRepository();
  const clusters = new ClusterRepository();
  const tenantA = (await database.asSystem((tx) => tenants.create(tx, 'tenant-a'))).id;
  const tenantB = (await database.asSystem((tx) => tenants.create(tx, 'tenant-b'))).id;
  await database.forTenant(tenantA, (tx) => clusters.create(tx, tenantA, sampleCluster('a-backend')));
  await database.forTenant(tenantB, (tx) => clusters.create(tx, tenantB, sampleCluster('b-backend')));
  return { tenantA, tenantB };
}

export function sampleCluster(name = 'backend'): Cluster {
  return {
    name,
    lbPolicy: 'RING_HASH',
    connectTimeoutMs: 250,
    http2: true,
    endpoints: [
      {
        address: '10.0.0.1',
        port: 8080,
        weight: 3,
        priority: 0,
        locality: { region: 'eu-west', zone: 'a', subZone: '' },
        healthStatus: 'HEALTHY',
      },
      {
        address: '10.0.0.2',
        port: 8080,
        weight: 1,
        priority: 1,
        locality: { region: 'eu-west', zone: 'b', subZone: 'rack-2' },
        healthStatus: 'UNKNOWN',
      },
    ],
  };
}

export function sampleListener(name = 'svc'): Listener {
  return { name, routeConfigName: `${name}-routes` };
}

export function sampleRouteConfiguration(name = 'svc-routes'): RouteConfiguration {
  return {
    name,
    virtualHosts: [
      {
        name: 'all',
        domains: ['*'],
        routes: [
          {
            name: 'split',
            match: { prefix: '/' },
            action: { weightedClusters: [{ cluster: 'backend', weight: 100 }] },
          },
        ],
      },
    ],
  };
}

export function sampleSecret(name = 'tls'): Secret {
  return {
    name,
    type: 'TLS_CERTIFICATE',
    certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  };
}

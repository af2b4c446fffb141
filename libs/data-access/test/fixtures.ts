// Sample config objects shared by the integration suites.
import type { Cluster, Listener, RouteConfiguration, Secret } from '@envoy-fleet/domain';

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

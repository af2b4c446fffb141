// Starts the real ADS service on loopback for this project's integration tests.
import * as grpc from '@grpc/grpc-js';
import { bindLoopback, shutdown, startTestBackend, weightedBackendsConfig } from '@envoy-fleet/testing';
import type { ResourceType, Secret, TenantConfig } from '@envoy-fleet/domain';
import { addXdsServices, renderTenantConfig, Snapshot, SnapshotCache, type XdsCallbacks } from '../src';

/** What the callbacks heard, in order. */
export interface HeardEvents {
  acks: { nodeId: string; type: ResourceType; version: string }[];
  nacks: { nodeId: string; type: ResourceType; version: string; errorDetail: string }[];
}

/** An ADS server over a fresh cache, recording ACKs and NACKs. */
export async function startAdsServer(extraCallbacks: XdsCallbacks = {}) {
  const cache = new SnapshotCache();
  const heard: HeardEvents = { acks: [], nacks: [] };
  const server = new grpc.Server();
  const services = addXdsServices(server, {
    watcher: cache,
    callbacks: {
      onAck: (stream, type, version) => heard.acks.push({ nodeId: stream.node?.id ?? '', type, version }),
      onNack: (stream, type, version, errorDetail) =>
        heard.nacks.push({ nodeId: stream.node?.id ?? '', type, version, errorDetail }),
      ...extraCallbacks,
    },
  });
  const port = await bindLoopback(server);
  return { cache, heard, server, services, uri: `127.0.0.1:${port}` };
}

/** An ADS server, backends `a` and `b`, and a way to set one node's weights between them. */
export async function startTwoBackendFixture(nodeId: string) {
  const [ads, backendA, backendB] = await Promise.all([
    startAdsServer(),
    startTestBackend('a'),
    startTestBackend('b'),
  ]);
  return {
    ads,
    /** Serves `greeter` with these weights for a and b; returns the snapshot set. */
    setConfig(weights: [number, number], lbPolicy: 'ROUND_ROBIN' | 'MAGLEV' = 'ROUND_ROBIN'): Snapshot {
      const backends = [
        { backend: backendA, weight: weights[0] },
        { backend: backendB, weight: weights[1] },
      ];
      const snapshot = Snapshot.create(
        renderTenantConfig(weightedBackendsConfig('greeter', backends, lbPolicy)),
      );
      ads.cache.setSnapshot(nodeId, snapshot);
      return snapshot;
    },
    stop: () => Promise.all([shutdown(ads.server), backendA.stop(), backendB.stop()]),
  };
}

/** A placeholder CA certificate (never parsed by these tests' clients). */
export const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** Tenant `t`'s config: HTTP/2 clusters of these names without endpoints, and `secrets`. */
export function clustersConfig(clusterNames: string[], secrets: Secret[] = []): TenantConfig {
  return {
    tenantId: 't',
    version: 1,
    clusters: clusterNames.map((name) => ({
      name,
      lbPolicy: 'ROUND_ROBIN',
      connectTimeoutMs: 1000,
      http2: true,
      endpoints: [],
    })),
    listeners: [],
    routeConfigurations: [],
    secrets,
  };
}

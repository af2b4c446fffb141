// Stream classes over a real SnapshotCache with a recording transport (test-only, not exported).
import { Metadata } from '@grpc/grpc-js';
import { cluster, discovery } from '@envoy-fleet/envoy-api';
import type { ResourceType, TenantConfig } from '@envoy-fleet/domain';
import { Snapshot } from '../cache/snapshot';
import { SnapshotCache } from '../cache/snapshot-cache';
import { renderTenantConfig } from '../resources/envoy-resources';
import type { XdsCallbacks } from './callbacks';
import { DeltaStream } from './delta-stream';
import { SotwStream } from './sotw-stream';

/** What a harnessed stream sent and what its callbacks heard. */
export function recorder() {
  const events: string[] = [];
  const callbacks: XdsCallbacks = {
    onAck: (_s, type, version, names) => events.push(`ack ${type} ${version} [${names.join(',')}]`),
    onNack: (_s, type, version, detail) => events.push(`nack ${type} ${version} ${detail}`),
    onResponse: (_s, type, version, names) => events.push(`response ${type} ${version} [${names.join(',')}]`),
  };
  return { events, callbacks };
}

/** Lets the stream's request queue run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A Delta stream (ADS, or one type's service with `onlyType`) over a fresh cache. */
export function deltaHarness(onlyType?: ResourceType, extra: XdsCallbacks = {}) {
  const cache = new SnapshotCache();
  const sent: discovery.DeltaDiscoveryResponse[] = [];
  const failures: unknown[] = [];
  const { events, callbacks } = recorder();
  const stream = new DeltaStream(
    { streamId: 1, kind: 'delta', peer: 'test', metadata: new Metadata() },
    cache,
    { ...callbacks, ...extra },
    {
      send: (bytes) => sent.push(discovery.DeltaDiscoveryResponse.decode(bytes)),
      fail: (e) => failures.push(e),
    },
    onlyType,
  );
  const receive = async (request: Partial<discovery.DeltaDiscoveryRequest>) => {
    stream.receive(discovery.DeltaDiscoveryRequest.fromPartial(request));
    await settle();
  };
  const set = (config: TenantConfig) =>
    cache.setSnapshot('node-1', Snapshot.create(renderTenantConfig(config)));
  return { cache, sent, failures, events, stream, receive, set };
}

/** A SotW stream (ADS, or one type's service with `onlyType`) over a fresh cache. */
export function sotwHarness(onlyType?: ResourceType, extra: XdsCallbacks = {}) {
  const cache = new SnapshotCache();
  const sent: discovery.DiscoveryResponse[] = [];
  const failures: unknown[] = [];
  const { events, callbacks } = recorder();
  const stream = new SotwStream(
    { streamId: 1, kind: 'sotw', peer: 'test', metadata: new Metadata() },
    cache,
    { ...callbacks, ...extra },
    { send: (bytes) => sent.push(discovery.DiscoveryResponse.decode(bytes)), fail: (e) => failures.push(e) },
    onlyType,
  );
  const receive = async (request: Partial<discovery.DiscoveryRequest>) => {
    stream.receive(discovery.DiscoveryRequest.fromPartial(request));
    await settle();
  };
  const set = (config: TenantConfig) =>
    cache.setSnapshot('node-1', Snapshot.create(renderTenantConfig(config)));
  return { cache, sent, failures, events, stream, receive, set };
}

/** Names of the resources in a Delta response. */
export const namesOf = (response: discovery.DeltaDiscoveryResponse | undefined) =>
  (response?.resources ?? []).map((resource) => resource.name);

/** Names of the clusters in a SotW response. */
export const clusterNamesOf = (response: discovery.DiscoveryResponse | undefined) =>
  (response?.resources ?? []).map((any) => cluster.Cluster.decode(any.value).name);

import { createHash } from 'node:crypto';
import { cluster, discovery, endpoint, listener, type protobuf, route, tls } from '@envoy-fleet/envoy-api';
import { DomainError, RESOURCE_TYPES, type ResourceType } from '@envoy-fleet/domain';
import { packAny } from '../resources/pack';
import type { EnvoyResources } from '../resources/envoy-resources';
import { typeUrlOf } from '../resource-types';
import { findInconsistencies } from './consistency';

/** A resource as sent: its name and its `Any`, encoded once when the snapshot is made. */
export interface EncodedResource {
  name: string;
  any: protobuf.Any;
  /** Content hash of the encoded resource: Delta's per-resource version. */
  version: string;
}

/** One type's resources at one version. */
export interface SnapshotResources {
  typeUrl: string;
  /** Content hash of the encoded resources, so equal content always means equal version. */
  version: string;
  byName: ReadonlyMap<string, EncodedResource>;
}

/** An immutable, versioned set of resources for one node, consistent by construction. */
export class Snapshot {
  private readonly bodies = new Map<string, { body: Buffer; names: string[] }>();
  private readonly deltaResources = new Map<string, Buffer>();

  private constructor(private readonly types: ReadonlyMap<ResourceType, SnapshotResources>) {}

  /** Encodes and versions the resources; throws a FAILED_PRECONDITION DomainError if inconsistent. */
  static create(resources: EnvoyResources): Snapshot {
    const violations = findInconsistencies(resources);
    if (violations.length > 0) {
      const summary = violations.map((v) => `${v.field}: ${v.message}`).join('; ');
      throw new DomainError('FAILED_PRECONDITION', `inconsistent snapshot: ${summary}`, violations);
    }
    const encoded: [ResourceType, EncodedResource[]][] = [
      ['listener', resources.listener.map((r) => encode('listener', r.name, listener.Listener, r))],
      ['route', resources.route.map((r) => encode('route', r.name, route.RouteConfiguration, r))],
      ['cluster', resources.cluster.map((r) => encode('cluster', r.name, cluster.Cluster, r))],
      [
        'endpoint',
        resources.endpoint.map((r) => encode('endpoint', r.clusterName, endpoint.ClusterLoadAssignment, r)),
      ],
      ['secret', resources.secret.map((r) => encode('secret', r.name, tls.Secret, r))],
    ];
    return new Snapshot(new Map(encoded.map(([type, list]) => [type, versioned(type, list)])));
  }

  /** The resources of one type (empty, with a version, if the snapshot has none). */
  resources(type: ResourceType): SnapshotResources {
    return this.types.get(type) ?? versioned(type, []);
  }

  /** Versions of every type, e.g. for status reports. */
  versions(): Record<ResourceType, string> {
    const entries = RESOURCE_TYPES.map((type) => [type, this.resources(type).version] as const);
    return Object.fromEntries(entries) as Record<ResourceType, string>;
  }

  /**
   * The DiscoveryResponse for these names (all when undefined) without its nonce, encoded once
   * per snapshot and reused by every stream; the nonce field is appended per stream.
   */
  responseBody(type: ResourceType, names: readonly string[] | undefined): { body: Buffer; names: string[] } {
    const entry = this.resources(type);
    const selected: string[] =
      names === undefined
        ? [...entry.byName.keys()]
        : [...new Set(names)].filter((n) => entry.byName.has(n)).sort();
    const key = `${type}\0${names === undefined ? '*' : selected.join('\0')}`;
    const resources = () => selected.flatMap((name) => entry.byName.get(name)?.any ?? []);
    return this.body(key, entry.typeUrl, entry.version, resources, selected);
  }

  /**
   * A bridging LDS/CDS response for make before break: these names from this snapshot plus
   * `kept` from `previous`, which the proxy holds and this snapshot drops. Its version is neither
   * snapshot's, so the final set follows once the proxy has acknowledged it.
   */
  bridgingBody(
    type: ResourceType,
    names: readonly string[],
    previous: Snapshot,
    kept: readonly string[],
  ): { body: Buffer; names: string[]; version: string } {
    const entry = this.resources(type);
    const before = previous.resources(type);
    const version = `${entry.version}+${before.version}`;
    const all = [...names, ...kept].sort();
    const resources = () =>
      all.flatMap((name) => (entry.byName.get(name) ?? before.byName.get(name))?.any ?? []);
    const key = `${type}\0${version}\0${all.join('\0')}`;
    return { ...this.body(key, entry.typeUrl, version, resources, all), version };
  }

  /**
   * The encoded response under `key`, made once; its `names` array is shared too (every stream
   * given this response holds the same one: never mutate it).
   */
  private body(
    key: string,
    typeUrl: string,
    versionInfo: string,
    resources: () => protobuf.Any[],
    names: string[],
  ): { body: Buffer; names: string[] } {
    let cached = this.bodies.get(key);
    if (!cached) {
      const message = discovery.DiscoveryResponse.fromPartial({
        versionInfo,
        typeUrl,
        resources: resources(),
      });
      cached = { body: Buffer.from(discovery.DiscoveryResponse.encode(message).finish()), names };
      this.bodies.set(key, cached);
    }
    return cached;
  }

  /**
   * The encoded Delta `Resource` (name, version, Any) for one resource, made once per snapshot
   * and shared by every Delta stream; undefined when the snapshot has no such resource.
   */
  deltaResource(type: ResourceType, name: string): Buffer | undefined {
    const resource = this.resources(type).byName.get(name);
    if (!resource) return undefined;
    const key = `${type}\0${name}`;
    let bytes = this.deltaResources.get(key);
    if (!bytes) {
      const message = discovery.Resource.fromPartial({
        name,
        version: resource.version,
        resource: resource.any,
      });
      bytes = Buffer.from(discovery.Resource.encode(message).finish());
      this.deltaResources.set(key, bytes);
    }
    return bytes;
  }
}

function encode<T>(
  type: ResourceType,
  name: string,
  encoder: { encode(m: T): { finish(): Uint8Array } },
  message: T,
): EncodedResource {
  const any = packAny(typeUrlOf(type), encoder, message);
  return { name, any, version: createHash('sha256').update(any.value).digest('hex').slice(0, 16) };
}

function versioned(type: ResourceType, list: EncodedResource[]): SnapshotResources {
  const byName = new Map(
    [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((r) => [r.name, r]),
  );
  if (byName.size !== list.length) {
    throw new DomainError('FAILED_PRECONDITION', `inconsistent snapshot: duplicate ${type} names`);
  }
  const hash = createHash('sha256');
  for (const resource of byName.values()) {
    hash.update(`${resource.name}\0${resource.any.value.length}\0`).update(resource.any.value);
  }
  return { typeUrl: typeUrlOf(type), version: hash.digest('hex').slice(0, 16), byName };
}

import { ConfigObjectRef, KIND_OF_RESOURCE_TYPE, ResourceType } from '@envoy-fleet/domain';
import type { Snapshot } from '@envoy-fleet/xds';
import { createHash } from 'node:crypto';

/** Resource name -> short content hash. */
export type ResourceDigests = Record<string, string>;

const digests = new WeakMap<Snapshot, Map<ResourceType, ResourceDigests>>();

/** The content hash of each of the snapshot's resources of `type`, computed once per snapshot. */
export function digestsOf(snapshot: Snapshot, type: ResourceType): ResourceDigests {
  let byType = digests.get(snapshot);
  if (!byType) digests.set(snapshot, (byType = new Map()));
  let result = byType.get(type);
  if (!result) {
    result = {};
    for (const [name, resource] of snapshot.resources(type).byName) {
      result[name] = createHash('sha256').update(resource.any.value).digest('hex').slice(0, 16);
    }
    byType.set(type, result);
  }
  return result;
}

/** Picks made from each snapshot's digests, by name list: streams sent one response share one. */
const picks = new WeakMap<ResourceDigests, WeakMap<readonly string[], ResourceDigests>>();

/** The digests of just `names`; the same object for the same (shared) name list. Never mutate it. */
export function pick(all: ResourceDigests, names: readonly string[]): ResourceDigests {
  let byNames = picks.get(all);
  if (!byNames) picks.set(all, (byNames = new WeakMap()));
  let picked = byNames.get(names);
  if (!picked) {
    picked = Object.fromEntries(names.filter((name) => name in all).map((name) => [name, all[name]]));
    byNames.set(names, picked);
  }
  return picked;
}

/**
 * The API objects a NACK points at: the resources that changed since the proxy last accepted
 * this type; narrowed to those the proxy's error text names, when it names any (Envoy does).
 */
export function rejectedObjects(
  type: ResourceType,
  sent: ResourceDigests,
  acked: ResourceDigests,
  errorDetail: string,
): ConfigObjectRef[] {
  const changed = Object.keys(sent).filter((name) => sent[name] !== acked[name]);
  const suspects = changed.length > 0 ? changed : Object.keys(sent);
  const named = suspects.filter((name) => errorDetail.includes(name));
  const kind = KIND_OF_RESOURCE_TYPE[type];
  return [...new Set(named.length > 0 ? named : suspects)].sort().map((name) => ({ kind, name }));
}

import { csds, type core } from '@envoy-fleet/envoy-api';
import { type Snapshot, typeUrlOf } from '@envoy-fleet/xds';
import { rejectedObjects } from '../proxy-status/resource-digests';
import type { StreamSync, TypeSync } from '../proxy-status/stream-sync';
import type { ResourceType } from '@envoy-fleet/domain';

/** One connected stream as CSDS reports it, with the node's current snapshot for resource contents. */
export interface StreamStatus {
  node: core.Node;
  sync: StreamSync;
  snapshot?: Snapshot;
}

/** Whether a node matches every matcher's node id (CSDS's `node_matchers`; none matches all). */
export function matchesNode(node: core.Node, matchers: csds.NodeMatcher[]): boolean {
  return matchers.every((m) => !m.nodeId || matchesString(node.id, m.nodeId));
}

function matchesString(value: string, m: csds.StringMatcher): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.suffix !== undefined) return value.endsWith(m.suffix);
  if (m.contains !== undefined) return value.includes(m.contains);
  return false;
}

/** The per-resource state of every matching stream, merged by node, in CSDS's generic form. */
export function clientStatus(
  streams: StreamStatus[],
  request: csds.ClientStatusRequest,
): csds.ClientStatusResponse {
  const byNode = new Map<string, csds.ClientConfig>();
  for (const { node, sync, snapshot } of streams) {
    if (!matchesNode(node, request.nodeMatchers)) continue;
    const config =
      byNode.get(node.id) ?? csds.ClientConfig.fromPartial({ node: { id: node.id, cluster: node.cluster } });
    byNode.set(node.id, config);
    for (const [type, state] of sync.entries()) {
      config.genericXdsConfigs.push(
        ...resourceStatuses(type, state, request.excludeResourceContents ? undefined : snapshot),
      );
    }
  }
  return { config: [...byNode.values()] };
}

function resourceStatuses(
  type: ResourceType,
  state: Readonly<TypeSync>,
  snapshot?: Snapshot,
): csds.ClientConfig_GenericXdsConfig[] {
  const names = [...new Set([...Object.keys(state.sent), ...Object.keys(state.acked)])].sort();
  // While the type's last answer is a NACK, the resources it is traced to are the rejected ones.
  const rejectedNames = new Set(
    state.errorDetail === undefined
      ? []
      : rejectedObjects(type, state.sent, state.acked, state.errorDetail).map((object) => object.name),
  );
  return names.map((name) => {
    const rejected = rejectedNames.has(name);
    const inSync = !rejected && state.sent[name] !== undefined && state.sent[name] === state.acked[name];
    const current = snapshot?.resources(type).byName.get(name)?.any;
    return csds.ClientConfig_GenericXdsConfig.fromPartial({
      typeUrl: typeUrlOf(type),
      name,
      versionInfo: inSync || rejected ? state.ackedVersion : state.sentVersion,
      ...(current ? { xdsConfig: current } : {}),
      configStatus: inSync
        ? csds.ConfigStatus.SYNCED
        : rejected
          ? csds.ConfigStatus.ERROR
          : csds.ConfigStatus.STALE,
      clientStatus: inSync
        ? csds.ClientResourceStatus.ACKED
        : rejected
          ? csds.ClientResourceStatus.NACKED
          : csds.ClientResourceStatus.REQUESTED,
      ...(rejected
        ? { errorState: { details: state.errorDetail ?? '', versionInfo: state.sentVersion } }
        : {}),
    });
  });
}

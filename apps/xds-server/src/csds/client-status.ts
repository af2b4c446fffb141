import { csds, type core } from '@envoy-fleet/envoy-api';
import { type Snapshot, typeUrlOf } from '@envoy-fleet/xds';
import { rejectedObjects } from '../proxy-status/resource-digests';
import type { StreamSync, TypeSync } from '../proxy-status/stream-sync';
import type { ResourceType } from '@envoy-fleet/domain';

type StructMatcher = csds.NodeMatcher['nodeMetadatas'][number];

/** Node metadata keys CSDS reports each proxy's tenant and proxy id under (and matches on). */
export const CSDS_TENANT_KEY = 'envoy-fleet.tenant_id';
export const CSDS_PROXY_KEY = 'envoy-fleet.proxy_id';

/** One connected stream as CSDS reports it, with its proxy's current snapshot for resource contents. */
export interface StreamStatus {
  node: core.Node;
  tenantId: string;
  proxyId: string;
  sync: StreamSync;
  snapshot?: Snapshot;
}

/**
 * Whether a proxy matches every matcher (CSDS's `node_matchers`; none matches all): on the node id,
 * and on the metadata CSDS reports (tenant and proxy id, never what the proxy sent, which may hold
 * its token), so that a query can be narrowed to one tenant.
 */
export function matchesNode(
  node: core.Node,
  metadata: Record<string, string>,
  matchers: csds.NodeMatcher[],
): boolean {
  return matchers.every(
    (m) =>
      (!m.nodeId || matchesString(node.id, m.nodeId)) &&
      m.nodeMetadatas.every((structMatcher) => matchesMetadata(metadata, structMatcher)),
  );
}

/** A one-key path to a string value; any other StructMatcher matches nothing (not silently everything). */
function matchesMetadata(metadata: Record<string, string>, m: StructMatcher): boolean {
  const [segment, ...deeper] = m.path;
  const value = segment?.key === undefined || deeper.length > 0 ? undefined : metadata[segment.key];
  return (
    value !== undefined && m.value?.stringMatch !== undefined && matchesString(value, m.value.stringMatch)
  );
}

function matchesString(value: string, m: csds.StringMatcher): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.suffix !== undefined) return value.endsWith(m.suffix);
  if (m.contains !== undefined) return value.includes(m.contains);
  return false;
}

/**
 * The per-resource state of every matching stream, merged by proxy (never by node id alone: two
 * tenants' proxies may share one), each tagged with its tenant and proxy id, in CSDS's generic form.
 */
export function clientStatus(
  streams: StreamStatus[],
  request: csds.ClientStatusRequest,
): csds.ClientStatusResponse {
  const byProxy = new Map<string, csds.ClientConfig>();
  for (const { node, tenantId, proxyId, sync, snapshot } of streams) {
    const metadata = { [CSDS_TENANT_KEY]: tenantId, [CSDS_PROXY_KEY]: proxyId };
    if (!matchesNode(node, metadata, request.nodeMatchers)) continue;
    const config =
      byProxy.get(proxyId) ??
      csds.ClientConfig.fromPartial({ node: { id: node.id, cluster: node.cluster, metadata } });
    byProxy.set(proxyId, config);
    for (const [type, state] of sync.entries()) {
      config.genericXdsConfigs.push(
        ...resourceStatuses(type, state, request.excludeResourceContents ? undefined : snapshot),
      );
    }
  }
  return { config: [...byProxy.values()] };
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

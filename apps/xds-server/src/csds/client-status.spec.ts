import { csds, core } from '@envoy-fleet/envoy-api';
import { StreamSync } from '../proxy-status/stream-sync';
import { clientStatus, CSDS_PROXY_KEY, CSDS_TENANT_KEY, StreamStatus } from './client-status';

/** A stream of `nodeId` whose proxy was sent and acknowledged one cluster, `cluster`. */
function streamOf(tenantId: string, proxyId: string, nodeId: string, cluster: string): StreamStatus {
  const sync = new StreamSync();
  sync.sent('cluster', 'v1', { [cluster]: 'd1' }, 1);
  sync.acked('cluster');
  return { node: core.Node.fromPartial({ id: nodeId }), tenantId, proxyId, sync };
}

const exactly = (value: string) => ({ exact: value, ignoreCase: false });
const request = (matcher: Partial<csds.NodeMatcher>) => {
  const built = csds.ClientStatusRequest.fromPartial({});
  built.nodeMatchers = [{ nodeMetadatas: [], ...matcher }];
  return built;
};
const namesOf = (config: csds.ClientConfig) => config.genericXdsConfigs.map((resource) => resource.name);

describe(clientStatus.name, () => {
  const streams = [
    streamOf('tenant-a', 'proxy-a', 'same-node', 'a-backend'),
    streamOf('tenant-b', 'proxy-b', 'same-node', 'b-backend'),
  ];

  it("reports two tenants' proxies with the same node id apart, each tagged with its tenant and proxy id", () => {
    const { config } = clientStatus(streams, request({ nodeId: exactly('same-node') }));
    expect(config.map((c) => [c.node?.metadata, namesOf(c)])).toEqual([
      [{ [CSDS_TENANT_KEY]: 'tenant-a', [CSDS_PROXY_KEY]: 'proxy-a' }, ['a-backend']],
      [{ [CSDS_TENANT_KEY]: 'tenant-b', [CSDS_PROXY_KEY]: 'proxy-b' }, ['b-backend']],
    ]);
  });

  it('narrows a query to one tenant by its metadata, and matches nothing on a matcher it does not support', () => {
    const onlyB = request({
      nodeMetadatas: [{ path: [{ key: CSDS_TENANT_KEY }], value: { stringMatch: exactly('tenant-b') } }],
    });
    expect(clientStatus(streams, onlyB).config.map(namesOf)).toEqual([['b-backend']]);
    const unsupported = request({ nodeMetadatas: [{ path: [{ key: CSDS_TENANT_KEY }], value: {} }] });
    expect(clientStatus(streams, unsupported).config).toEqual([]);
  });
});

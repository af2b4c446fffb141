import { cluster, discovery, protobuf, RESOURCE_TYPE_URLS } from './index';

describe('envoy-api', () => {
  it('round-trips a Cluster packed in an Any inside a DiscoveryResponse', () => {
    const message = cluster.Cluster.fromPartial({ name: 'greeter', type: cluster.Cluster_DiscoveryType.EDS });
    const any = protobuf.Any.fromPartial({
      typeUrl: RESOURCE_TYPE_URLS.cluster,
      value: Buffer.from(cluster.Cluster.encode(message).finish()),
    });
    const bytes = discovery.DiscoveryResponse.encode({
      ...discovery.DiscoveryResponse.fromPartial({}),
      resources: [any],
    }).finish();
    const decoded = discovery.DiscoveryResponse.decode(bytes);
    expect(decoded.resources[0]?.typeUrl).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    expect(cluster.Cluster.decode(decoded.resources[0]!.value).name).toBe('greeter');
  });

  it('exposes the ADS service path', () => {
    expect(discovery.AggregatedDiscoveryServiceService.streamAggregatedResources.path).toBe(
      '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
    );
  });
});

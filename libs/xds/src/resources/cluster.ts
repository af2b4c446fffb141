import {
  cluster as envoyCluster,
  core,
  HTTP_PROTOCOL_OPTIONS_KEY,
  HTTP_PROTOCOL_OPTIONS_TYPE_URL,
  upstreamHttp,
} from '@envoy-fleet/envoy-api';
import type { Cluster, LbPolicy } from '@envoy-fleet/domain';
import { durationFromMs, packAny } from './pack';

const LB_POLICIES: Record<LbPolicy, envoyCluster.Cluster_LbPolicy> = {
  ROUND_ROBIN: envoyCluster.Cluster_LbPolicy.ROUND_ROBIN,
  RING_HASH: envoyCluster.Cluster_LbPolicy.RING_HASH,
  LEAST_REQUEST: envoyCluster.Cluster_LbPolicy.LEAST_REQUEST,
  RANDOM: envoyCluster.Cluster_LbPolicy.RANDOM,
  MAGLEV: envoyCluster.Cluster_LbPolicy.MAGLEV,
};

/** The config source every dynamic reference points at: the same ADS stream, API v3. */
export function adsConfigSource(): core.ConfigSource {
  return core.ConfigSource.fromPartial({ ads: {}, resourceApiVersion: core.ApiVersion.V3 });
}

/** Renders a cluster as EDS over ADS; its endpoints go out as a ClusterLoadAssignment. */
export function renderCluster(cluster: Cluster): envoyCluster.Cluster {
  const message = envoyCluster.Cluster.fromPartial({
    name: cluster.name,
    type: envoyCluster.Cluster_DiscoveryType.EDS,
    edsClusterConfig: { edsConfig: adsConfigSource() },
    connectTimeout: durationFromMs(cluster.connectTimeoutMs),
    lbPolicy: LB_POLICIES[cluster.lbPolicy],
  });
  if (cluster.http2) {
    // The non-deprecated way to make Envoy speak HTTP/2 upstream (gRPC backends need it).
    const options = upstreamHttp.HttpProtocolOptions.fromPartial({
      explicitHttpConfig: { http2ProtocolOptions: {} },
    });
    message.typedExtensionProtocolOptions[HTTP_PROTOCOL_OPTIONS_KEY] = packAny(
      HTTP_PROTOCOL_OPTIONS_TYPE_URL,
      upstreamHttp.HttpProtocolOptions,
      options,
    );
  }
  return message;
}

import {
  cluster as envoyCluster,
  core,
  HTTP_PROTOCOL_OPTIONS_KEY,
  HTTP_PROTOCOL_OPTIONS_TYPE_URL,
  upstreamHttp,
} from '@envoy-fleet/envoy-api';
import type { Cluster, HealthCheck, LbPolicy } from '@envoy-fleet/domain';
import { durationFromMs, packAny } from './pack';
import { upstreamTransportSocket } from './tls-context';

const LB_POLICIES: Record<LbPolicy, envoyCluster.Cluster_LbPolicy> = {
  ROUND_ROBIN: envoyCluster.Cluster_LbPolicy.ROUND_ROBIN,
  RING_HASH: envoyCluster.Cluster_LbPolicy.RING_HASH,
  LEAST_REQUEST: envoyCluster.Cluster_LbPolicy.LEAST_REQUEST,
  RANDOM: envoyCluster.Cluster_LbPolicy.RANDOM,
  MAGLEV: envoyCluster.Cluster_LbPolicy.MAGLEV,
};

/**
 * Envoy's own defaults for success-rate ejection, spelled out: @grpc/grpc-js 1.14 lets an unset
 * field override its default with `undefined`, then its success-rate check throws "Reduce of empty
 * array" in the client once the interval passes with too few hosts. Same behaviour for Envoy.
 */
const SUCCESS_RATE_DEFAULTS = {
  enforcingSuccessRate: 100,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
} as const;

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
    healthChecks: (cluster.healthChecks ?? []).map(renderHealthCheck),
    circuitBreakers: cluster.circuitBreakers && {
      thresholds: [{ priority: core.RoutingPriority.DEFAULT, ...cluster.circuitBreakers }],
    },
    outlierDetection: cluster.outlierDetection && {
      consecutive5xx: cluster.outlierDetection.consecutive5xx,
      interval: optionalDuration(cluster.outlierDetection.intervalMs),
      baseEjectionTime: optionalDuration(cluster.outlierDetection.baseEjectionTimeMs),
      maxEjectionPercent: cluster.outlierDetection.maxEjectionPercent,
      ...SUCCESS_RATE_DEFAULTS,
    },
    transportSocket: cluster.tls && upstreamTransportSocket(cluster.tls),
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

function renderHealthCheck(check: HealthCheck): core.HealthCheck {
  return core.HealthCheck.fromPartial({
    timeout: durationFromMs(check.timeoutMs),
    interval: durationFromMs(check.intervalMs),
    unhealthyThreshold: check.unhealthyThreshold,
    healthyThreshold: check.healthyThreshold,
    httpHealthCheck: check.http && { path: check.http.path, host: check.http.host ?? '' },
    tcpHealthCheck: check.tcp && {},
  });
}

function optionalDuration(ms: number | undefined) {
  return ms === undefined ? undefined : durationFromMs(ms);
}

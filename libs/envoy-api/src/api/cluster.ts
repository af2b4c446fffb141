/** envoy.config.cluster.v3: clusters. */
export * from '../generated/envoy/config/cluster/v3/cluster';

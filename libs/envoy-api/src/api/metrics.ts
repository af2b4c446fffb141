/** envoy.service.metrics.v3 (the metrics sink service) and the Prometheus client model it carries. */
export * from '../generated/envoy/service/metrics/v3/metrics_service';
export * from '../generated/io/prometheus/client/metrics';

import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { EventMetrics } from './event-metrics';
import { GrpcServerMetrics } from './grpc-metrics';

/**
 * The app's Prometheus registry, with process metrics, an HTTP request histogram, gRPC server
 * and event metrics. An app's own metrics register in `registry` too.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly grpc: GrpcServerMetrics;
  readonly events: EventMetrics;

  constructor(readonly app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = new Histogram({
      name: 'fleet_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.grpc = new GrpcServerMetrics(this.registry);
    this.events = new EventMetrics(this.registry);
  }
}

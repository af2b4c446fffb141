import { type ServerInterceptor, ServerInterceptingCall, status as Status } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';

type CallType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';
type CallLabels = 'service' | 'method' | 'type';

/** Request metrics of the app's gRPC servers, labelled by service and method (never by peer). */
export class GrpcServerMetrics {
  readonly started: Counter<CallLabels>;
  readonly handled: Counter<CallLabels | 'code'>;
  /** Unary calls, in the HTTP histogram's buckets. */
  readonly handlingSeconds: Histogram<CallLabels>;
  /** Streaming calls, which live for minutes to hours (xDS, StreamMetrics). */
  readonly streamSeconds: Histogram<CallLabels>;

  constructor(registry: Registry) {
    const labelNames = ['service', 'method', 'type'] as const;
    this.started = new Counter({
      name: 'fleet_grpc_server_started_total',
      help: 'gRPC calls started on the server, by service, method and call type.',
      labelNames,
      registers: [registry],
    });
    this.handled = new Counter({
      name: 'fleet_grpc_server_handled_total',
      help: 'gRPC calls finished on the server, by service, method, call type and status code name.',
      labelNames: [...labelNames, 'code'],
      registers: [registry],
    });
    this.handlingSeconds = new Histogram({
      name: 'fleet_grpc_server_handling_seconds',
      help: 'Duration of unary gRPC calls, from the request to the status.',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.streamSeconds = new Histogram({
      name: 'fleet_grpc_server_stream_duration_seconds',
      help: 'Lifetime of streaming gRPC calls, from the request to the status or cancellation.',
      labelNames,
      buckets: [0.1, 1, 10, 60, 300, 900, 1800, 3600, 7200, 21600, 86400],
      registers: [registry],
    });
  }

  /** A server interceptor recording every call: `new Server({ interceptors: [metrics.interceptor()] })`. */
  interceptor(): ServerInterceptor {
    return (method, call) => {
      const [service, name] = splitPath(method.path);
      const type = callType(method.requestStream, method.responseStream);
      const labels = { service, method: name, type };
      this.started.inc(labels);
      const startedAt = performance.now();
      let finished = false;
      const finish = (code: Status) => {
        if (finished) return;
        finished = true;
        this.handled.inc({ ...labels, code: Status[code] ?? String(code) });
        const histogram = type === 'unary' ? this.handlingSeconds : this.streamSeconds;
        histogram.observe(labels, (performance.now() - startedAt) / 1000);
      };
      return new ServerInterceptingCall(call, {
        start: (next) => next({ onCancel: () => finish(Status.CANCELLED) }),
        sendStatus: (status, next) => {
          finish(status.code);
          next(status);
        },
      });
    };
  }
}

/** `/pkg.Service/Method` → [`pkg.Service`, `Method`]. */
export function splitPath(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  return [path.slice(path.startsWith('/') ? 1 : 0, slash), path.slice(slash + 1)];
}

function callType(requestStream: boolean, responseStream: boolean): CallType {
  if (requestStream) return responseStream ? 'bidi_stream' : 'client_stream';
  return responseStream ? 'server_stream' : 'unary';
}

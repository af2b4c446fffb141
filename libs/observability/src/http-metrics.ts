import type { FastifyInstance } from 'fastify';
import { AppMetrics } from './metrics';

/** Records every HTTP request in the app's histogram, labelled by route pattern (not raw URL). */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: AppMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration
      .labels(request.method, route, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });
}

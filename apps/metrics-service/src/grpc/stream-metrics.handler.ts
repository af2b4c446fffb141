import { bearerToken, ProxyRecord, ProxyTokens } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { metrics } from '@envoy-fleet/envoy-api';
import { toGrpcStatus } from '@envoy-fleet/xds';
import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import { ProxyDirectory } from '../proxies/proxy-directory.service';
import { FleetStats, ProxyStats } from '../sink/fleet-stats';

const HOW_TO_SEND =
  "an 'authorization: Bearer' header, as the bootstrap from GET /v1/proxies/:id/bootstrap sends it";

type Call = ServerReadableStream<metrics.StreamMetricsMessage, metrics.StreamMetricsResponse>;
type Callback = sendUnaryData<metrics.StreamMetricsResponse>;

/**
 * One StreamMetrics call: the first message names the node, which must be a registered proxy;
 * every message then replaces that proxy's latest stats. Envoy never expects an answer, so the
 * call ends only when Envoy closes it or the sink refuses it.
 */
@Injectable()
export class StreamMetricsHandler {
  private readonly logger = new Logger(StreamMetricsHandler.name);

  constructor(
    private readonly stats: FleetStats,
    private readonly directory: ProxyDirectory,
    private readonly tokens: ProxyTokens,
  ) {}

  handle(call: Call, callback: Callback): void {
    let proxy: ProxyStats | undefined;
    let admitting = false;
    let clientDone = false;
    let finished = false;
    const pending: metrics.StreamMetricsMessage[] = [];

    const finish = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      if (proxy) this.stats.close(proxy);
      if (error === undefined) callback(null, {});
      else
        callback(
          toGrpcStatus(error, (id, cause) =>
            this.logger.error(`internal error ${id}`, cause instanceof Error ? cause.stack : String(cause)),
          ),
        );
    };
    const apply = (message: metrics.StreamMetricsMessage): void => {
      if (finished || !proxy) return;
      if (this.stats.apply(proxy, message.envoyMetrics) === 'series_limit') {
        this.stats.counters.refused.series_limit += 1;
        finish(new DomainError('RESOURCE_EXHAUSTED', `node '${proxy.nodeId}' sent more series than allowed`));
      }
    };
    const admit = (message: metrics.StreamMetricsMessage): void => {
      admitting = true;
      // Hold further messages until we know whose they are.
      call.pause();
      this.admit(message.identifier?.node?.id, bearerToken(call.metadata)).then(
        ({ tenantId, id, nodeId }) => {
          admitting = false;
          if (finished) return;
          proxy = this.stats.open(tenantId, id, nodeId);
          for (const queued of pending.splice(0)) apply(queued);
          if (clientDone) finish();
          else call.resume();
        },
        (error: unknown) => finish(error),
      );
    };

    call.on('data', (message: metrics.StreamMetricsMessage) => {
      if (finished) return;
      if (proxy) return apply(message);
      pending.push(message);
      if (!admitting) admit(message);
    });
    call.on('end', () => {
      clientDone = true;
      if (!admitting) finish();
    });
    call.on('cancelled', () => finish());
    call.on('error', () => finish());
  }

  private async admit(nodeId: string | undefined, token: string | undefined): Promise<ProxyRecord> {
    if (!nodeId) {
      this.stats.counters.refused.missing_identifier += 1;
      throw new DomainError(
        'UNAUTHENTICATED',
        'the first StreamMetrics message must carry identifier.node.id',
      );
    }
    // The proxy's own token, as its bootstrap sends it: a node id alone would let anyone report
    // stats under another tenant's proxy.
    const claims = await this.tokens.claimsFor(token, nodeId, HOW_TO_SEND).catch((error: unknown) => {
      this.stats.counters.refused.bad_token += 1;
      throw error;
    });
    // The proxy the token names (node ids are unique only within a tenant), registered as this node.
    const proxy = await this.directory.proxyOf(claims.proxyId);
    if (proxy === undefined || proxy.nodeId !== nodeId) {
      this.stats.counters.refused.unknown_node += 1;
      throw new DomainError('PERMISSION_DENIED', `node '${nodeId}' is not a registered proxy`);
    }
    try {
      this.tokens.check(claims, proxy);
    } catch (error) {
      this.stats.counters.refused.bad_token += 1;
      throw error;
    }
    return proxy;
  }
}

import { DomainError, Principal } from '@envoy-fleet/domain';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, Observable, switchMap } from 'rxjs';
import { HeldKey, IdempotencyService } from './idempotency.service';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const held = new WeakMap<FastifyRequest, HeldKey>();

/**
 * `Idempotency-Key` on an authenticated POST: the first request with a key runs and its
 * response is kept; repeats with the same body get that response without writing again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const sent = request.headers['idempotency-key'];
    // Keys are per tenant: routes without a caller (token exchange, agents, hooks) ignore them.
    if (request.method !== 'POST' || sent === undefined || !request.user?.tenantId) return next.handle();
    if (typeof sent !== 'string' || !KEY_PATTERN.test(sent)) {
      throw DomainError.invalid('Idempotency-Key', 'must be 1-255 visible ASCII characters');
    }
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    return from(this.idempotency.claim(request.user.tenantId, sent, hash)).pipe(
      switchMap((key) => {
        held.set(request, key);
        return next.handle();
      }),
    );
  }
}

/**
 * Records the response of a request holding a key, as it goes out. Registered before
 * compression, so what is kept is the plain body.
 */
export function recordIdempotentResponses(fastify: FastifyInstance, idempotency: IdempotencyService): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const key = held.get(request);
    // Most requests hold no key: answered at once, without a promise.
    if (!key) return done(null, payload);
    held.delete(request);
    idempotency.finish(key, reply.statusCode, reply.getHeaders(), payload).then(
      () => done(null, payload),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

import { Principal } from '@envoy-fleet/domain';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { TenantRequestRate } from './tenant-request-rate';

/**
 * Counts every authenticated request against its tenant's requests-per-second quota
 * (interceptors run after the guards, so the caller is known), with RateLimit-* headers.
 */
@Injectable()
export class RequestRateInterceptor implements NestInterceptor {
  constructor(private readonly rate: TenantRequestRate) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: Principal }>();
    const principal = request.user;
    if (!principal) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    return from(this.rate.countOnce(request, principal.tenantId)).pipe(
      switchMap((counted) => {
        if (counted) {
          void reply
            .header('ratelimit-limit', String(counted.limit))
            .header('ratelimit-remaining', String(counted.remaining));
        }
        return next.handle();
      }),
    );
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { entityTagOf, parseEntityTagCondition, revisionOfBody } from './entity-tags';
import { RequestPreconditions, WritePreconditions } from './write-preconditions';

/**
 * ETag and If-Match for every API object: the handler runs with the request's If-Match in scope
 * (ConfigChangeService checks it in the write's transaction), and a response that is one
 * revisioned object gets its ETag. If-None-Match on a GET is answered by NotModifiedHook.
 */
@Injectable()
export class ConditionalRequestsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const preconditions: WritePreconditions = {};
    const ifMatch = request.headers['if-match'];
    if (typeof ifMatch === 'string' && request.method !== 'GET' && request.method !== 'HEAD') {
      preconditions.ifMatch = parseEntityTagCondition('If-Match', ifMatch);
    }
    const stampEntityTag = tap((body: unknown) => {
      const revision = revisionOfBody(body);
      if (revision !== undefined) void reply.header('etag', entityTagOf(revision));
    });
    return new Observable((subscriber) =>
      // The handler is called on subscribe, so everything it awaits runs inside this scope.
      RequestPreconditions.run(preconditions, () => next.handle().pipe(stampEntityTag).subscribe(subscriber)),
    );
  }
}

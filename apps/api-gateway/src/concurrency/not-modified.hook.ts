import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ifNoneMatchHolds, parseEntityTagCondition } from './entity-tags';

/**
 * Answers a GET whose If-None-Match names the response's ETag with 304 and no body. A hook, not an
 * interceptor: Nest sets the route's status after interceptors run, Fastify's onSend comes later.
 */
@Injectable()
export class NotModifiedHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Callback style: every response passes here, and an async hook costs a promise each time.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (!notModified(request, reply)) return done(null, payload);
      void reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      done(null, null);
    });
  }
}

/** Whether a GET's If-None-Match names the ETag of the 200 response about to go out. */
function notModified(request: FastifyRequest, reply: FastifyReply): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  const entityTag = reply.getHeader('etag');
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (typeof ifNoneMatch !== 'string' || typeof entityTag !== 'string' || reply.statusCode !== 200) {
    return false;
  }
  try {
    return !ifNoneMatchHolds(parseEntityTagCondition('If-None-Match', ifNoneMatch), entityTag);
  } catch {
    // A malformed If-None-Match is ignored, as if absent: the full response is still correct.
    return false;
  }
}

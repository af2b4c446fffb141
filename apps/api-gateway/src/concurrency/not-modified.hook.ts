import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
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
    fastify.addHook('onSend', async (request, reply, payload) => {
      const ifNoneMatch = request.headers['if-none-match'];
      const entityTag = reply.getHeader('etag');
      if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
      if (typeof ifNoneMatch !== 'string' || typeof entityTag !== 'string' || reply.statusCode !== 200) {
        return payload;
      }
      let condition;
      try {
        condition = parseEntityTagCondition('If-None-Match', ifNoneMatch);
      } catch {
        // A malformed If-None-Match is ignored, as if absent: the full response is still correct.
        return payload;
      }
      if (ifNoneMatchHolds(condition, entityTag)) return payload;
      void reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      return null;
    });
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';

/** Paths whose handlers need the body's exact bytes (signatures are over them). */
export const RAW_BODY_PATHS = ['/v1/hooks/'];

/** The exact bytes of a request body under RAW_BODY_PATHS. */
export function rawBodyOf(request: FastifyRequest): Buffer | undefined {
  return (request as FastifyRequest & { rawBody?: Buffer }).rawBody;
}

/**
 * Keeps the raw body of inbound hook requests beside the parsed one: a preParsing hook reads the
 * stream and hands Fastify's JSON parser a copy. Other routes are untouched.
 */
@Injectable()
export class RawBodyCapture implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Callback style: every request passes here, and most go on at once, without a promise.
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      if (!RAW_BODY_PATHS.some((path) => request.url.startsWith(path))) return done(null, payload);
      readAll(payload).then((raw) => {
        (request as FastifyRequest & { rawBody?: Buffer }).rawBody = raw;
        const copy = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
        copy.receivedEncodedLength = raw.length;
        done(null, copy);
      }, done);
    });
  }
}

async function readAll(payload: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of payload) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

import { DomainError } from '@envoy-fleet/domain';
import { Metadata } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { FieldNames, problemToServiceError } from './grpc-errors';

/** The REST call a gRPC method stands for. */
export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/v1/clusters/web?limit=10`. */
  url: string;
  body?: unknown;
}

/** A successful REST answer: its JSON body (undefined for 204) and the headers gRPC passes on. */
export interface RestResponse {
  body: unknown;
  metadata: Metadata;
}

/**
 * Request metadata that means the same as the REST header of that name (not If-None-Match: a
 * unary call has no "304, keep yours" answer). The credential (`authorization: Bearer <token or
 * API key>`, or `x-api-key`) goes to the REST guard as is, so keys are checked, remembered and
 * dropped on revocation in one place for both APIs.
 */
const FORWARDED_METADATA = [
  'authorization',
  'x-api-key',
  'if-match',
  'idempotency-key',
  'x-request-id',
  'traceparent',
  'tracestate',
];
/** Response headers a gRPC client gets as response metadata. */
const RETURNED_HEADERS = [
  'etag',
  'x-fleet-config-version',
  'x-request-id',
  'retry-after',
  'idempotent-replayed',
];

/**
 * Runs a gRPC call as the REST request it stands for, inside this process, through Fastify's
 * `inject`: the same guards (token, roles), validation pipe and DTOs, interceptors (quotas, ETags,
 * idempotency, audit) and services as REST, so the two APIs cannot drift. Nothing goes over the
 * network; the cost is one JSON encode/decode per call.
 */
@Injectable()
export class RestRelay {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Answers the REST response, or throws a gRPC ServiceError (or a DomainError for the caller to map). */
  async call(metadata: Metadata, request: RestRequest, fields: FieldNames): Promise<RestResponse> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_METADATA) {
      const value = metadata.get(name)[0];
      if (typeof value === 'string') headers[name] = value;
    }
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const response = await fastify.inject({
      method: request.method,
      url: request.url,
      headers,
      ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
    });
    const returned = new Metadata();
    for (const name of RETURNED_HEADERS) {
      const value = response.headers[name];
      if (value !== undefined) returned.set(name, String(value));
    }
    const body: unknown = response.body.length > 0 ? parseJson(response.body) : undefined;
    if (response.statusCode >= 200 && response.statusCode < 300) return { body, metadata: returned };
    throw problemToServiceError(response.statusCode, body, returned, fields);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the REST API answered something other than JSON: ${text.slice(0, 200)}`);
  }
}

/** A required path parameter; empty would address the collection instead of an object. */
export function pathSegment(field: string, value: string): string {
  if (value === '') throw DomainError.invalid(field, 'is required');
  return encodeURIComponent(value);
}

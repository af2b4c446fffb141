import { DomainError } from '@envoy-fleet/domain';
import type { handleUnaryCall } from '@grpc/grpc-js';
import { ListOptions } from './generated/fleet/v1/common';
import { errorToServiceError, FieldNames } from './grpc-errors';
import { RestRelay, RestRequest, RestResponse } from './rest-relay';

/** A JSON object as a `google.protobuf.Struct` field carries it. */
export type JsonObject = { [key: string]: unknown };

/** A unary gRPC handler that runs as the REST request `route` describes and answers `answer(response)`. */
export function unary<Req, Res>(
  relay: RestRelay,
  route: (request: Req) => RestRequest,
  answer: (response: RestResponse) => Res,
  fields: FieldNames,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    void (async () => {
      try {
        const response = await relay.call(call.metadata, route(call.request), fields);
        call.sendMetadata(response.metadata);
        callback(null, answer(response));
      } catch (error) {
        callback(errorToServiceError(error));
      }
    })();
  };
}

/** The REST list query (`?limit=&cursor=&name=&label=k=v&sort=`) for gRPC list options (only what is set). */
export function listQuery(options: ListOptions | undefined, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  if (options?.pageSize) query.set('limit', String(options.pageSize));
  if (options?.pageToken) query.set('cursor', options.pageToken);
  if (options?.namePrefix) query.set('name', options.namePrefix);
  for (const [key, value] of Object.entries(options?.labels ?? {})) query.append('label', `${key}=${value}`);
  if (options?.sort) query.set('sort', options.sort);
  const text = query.toString();
  return text ? `?${text}` : '';
}

const LIST_FIELDS: Record<string, string> = {
  limit: 'options.page_size',
  cursor: 'options.page_token',
  name: 'options.name_prefix',
  label: 'options.labels',
  sort: 'options.sort',
};

/** Names REST list query fields as the gRPC request does. */
export function listFieldNames(field: string): string {
  const [head = '', ...rest] = field.split(/(?=[.[])/);
  return LIST_FIELDS[head] ? LIST_FIELDS[head] + rest.join('') : field;
}

/** The items and next cursor of a REST list answer. */
export function listBody(body: unknown): { items: JsonObject[]; nextPageToken: string } {
  const list = asObject(body);
  const items = Array.isArray(list['items']) ? (list['items'] as unknown[]).map(asObject) : [];
  const next = list['nextCursor'];
  return { items, nextPageToken: typeof next === 'string' ? next : '' };
}

export function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** A `spec` Struct must not repeat a field the request carries at the top level. */
export function withoutTopLevel(spec: JsonObject | undefined, topLevel: string[]): JsonObject {
  for (const field of topLevel) {
    if (spec && field in spec) {
      throw DomainError.invalid(`spec.${field}`, `set the request's top-level ${field}, not spec.${field}`);
    }
  }
  return spec ?? {};
}

/** The `etag` response header, when the REST answer had one. */
export function etagOf(response: RestResponse): string {
  const value = response.metadata.get('etag')[0];
  return typeof value === 'string' ? value : '';
}

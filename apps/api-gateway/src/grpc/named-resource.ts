import type { handleUnaryCall } from '@grpc/grpc-js';
import { entityTagOf } from '../concurrency/entity-tags';
import { ListOptions } from './generated/fleet/v1/common';
import { FieldNames } from './grpc-errors';
import { RestRelay, RestResponse, pathSegment } from './rest-relay';
import {
  asObject,
  etagOf,
  JsonObject,
  listBody,
  listFieldNames,
  listQuery,
  unary,
  withoutTopLevel,
} from './unary';

/** A config object addressed by name: typed name and etag, everything else as the REST JSON. */
export interface NamedMessage {
  name: string;
  spec?: JsonObject | undefined;
  etag: string;
}

interface NamedRequest {
  name: string;
}
interface SpecRequest extends NamedRequest {
  spec?: JsonObject | undefined;
}
interface ListRequest {
  options?: ListOptions | undefined;
}
interface ListResponse {
  items: NamedMessage[];
  nextPageToken: string;
}

/** REST names a body field `endpoints[0].port`; the gRPC request has it inside `spec`. */
const specFieldNames: FieldNames = (field) => (field === 'name' ? 'name' : `spec.${field}`);

/**
 * The message for a REST object: its name, its etag, and the rest as spec. The revision behind
 * the etag is left out of spec, so a spec read can be written back as it is.
 */
export function namedMessage(json: unknown, etagHeader = ''): NamedMessage {
  const { name, revision, ...spec } = asObject(json);
  return {
    name: typeof name === 'string' ? name : '',
    spec,
    etag: etagHeader || (typeof revision === 'number' ? entityTagOf(revision) : ''),
  };
}

function answerOne(response: RestResponse): NamedMessage {
  return namedMessage(response.body, etagOf(response));
}

/**
 * List, get, create, replace and delete of one REST collection of named objects (`/v1/clusters`,
 * `/v1/listeners`, `/v1/route-configurations`), as unary gRPC handlers.
 */
export function namedResourceHandlers(relay: RestRelay, collection: string) {
  const item = (name: string) => `${collection}/${pathSegment('name', name)}`;
  return {
    list: unary<ListRequest, ListResponse>(
      relay,
      (request) => ({ method: 'GET', url: `${collection}${listQuery(request.options)}` }),
      (response) => {
        const { items, nextPageToken } = listBody(response.body);
        return { items: items.map((json) => namedMessage(json)), nextPageToken };
      },
      listFieldNames,
    ),
    get: unary<NamedRequest, NamedMessage>(
      relay,
      (request) => ({ method: 'GET', url: item(request.name) }),
      answerOne,
      specFieldNames,
    ),
    create: unary<SpecRequest, NamedMessage>(
      relay,
      (request) => ({
        method: 'POST',
        url: collection,
        body: { ...withoutTopLevel(request.spec, ['name']), name: request.name },
      }),
      answerOne,
      specFieldNames,
    ),
    replace: unary<SpecRequest, NamedMessage>(
      relay,
      (request) => ({
        method: 'PUT',
        url: item(request.name),
        body: withoutTopLevel(request.spec, ['name']),
      }),
      answerOne,
      specFieldNames,
    ),
    remove: unary<NamedRequest, Record<string, never>>(
      relay,
      (request) => ({ method: 'DELETE', url: item(request.name) }),
      () => ({}),
      specFieldNames,
    ),
  } satisfies Record<string, handleUnaryCall<never, unknown>>;
}

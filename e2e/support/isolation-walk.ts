import { ApiClient, ApiResponse } from './api-client';
import { RouteFill, TenantObjects } from './isolation-routes';

/** One operation of the OpenAPI document. */
export interface Operation {
  method: string;
  /** As the document writes it: `/v1/clusters/{name}`. */
  template: string;
  key: string;
}

/** Every operation under /v1 in an OpenAPI 3 document. */
export function operationsOf(document: { paths?: Record<string, Record<string, unknown>> }): Operation[] {
  const methods = ['get', 'post', 'put', 'patch', 'delete'];
  return Object.entries(document.paths ?? {})
    .filter(([template]) => template.startsWith('/v1/'))
    .flatMap(([template, item]) =>
      Object.keys(item)
        .filter((method) => methods.includes(method))
        .map((method) => {
          const upper = method.toUpperCase();
          return { method: upper, template, key: `${upper} ${template}` };
        }),
    );
}

/** The URL of `operation` for `ids`, with its query. */
export function urlOf(operation: Operation, fill: RouteFill, ids: TenantObjects): string {
  const params = fill.params?.(ids) ?? {};
  const path = operation.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operation.key}: the walk has no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(fill.query?.(ids) ?? {}).toString();
  return query ? `${path}?${query}` : path;
}

/** What was sent that may come back in the answer (a 404 names what it did not find). */
export function sentValues(operation: Operation, fill: RouteFill, ids: TenantObjects): string[] {
  return [
    ...Object.values(fill.params?.(ids) ?? {}),
    ...Object.values(fill.query?.(ids) ?? {}),
    ...stringsIn(fill.body?.(ids)),
  ].filter((value) => value.length >= 3);
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Fields that differ between any two answers (ids, times, request ids, one-time secrets). */
const VOLATILE = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'lastUsedAt',
  'etag',
  'requestId',
  'errorId',
  'traceId',
  'secret',
  'key',
  'prefix',
  'token',
  'accessToken',
  'version',
  'configVersion',
]);

/**
 * An answer as it may be compared across the two calls: status and content type, and for errors
 * the whole problem (what was sent replaced by `<sent>`); for successes the shape of the body
 * (field names and value types), since values such as ids and times always differ.
 */
export function comparable(response: ApiResponse<unknown>, sent: string[]): unknown {
  const type = response.contentType.split(';')[0];
  if (response.status >= 200 && response.status < 300) {
    return { status: response.status, type, shape: shapeOf(response.body) };
  }
  return { status: response.status, type, body: scrub(JSON.parse(replaceSent(response.body, sent))) };
}

export function replaceSent(body: unknown, sent: string[]): string {
  let text = typeof body === 'string' ? body : JSON.stringify(body);
  // Longest first, so a name that contains another is replaced whole.
  for (const value of [...sent].sort((x, y) => y.length - x.length)) {
    text = text.split(value).join('<sent>');
    text = text.split(encodeURIComponent(value)).join('<sent>');
  }
  return typeof body === 'string' ? JSON.stringify(text) : text;
}

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !VOLATILE.has(key))
        .map(([key, inner]) => [key, scrub(inner)]),
    );
  }
  return value;
}

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  }
  return value === null ? 'null' : typeof value;
}

/** Calls `operation` as `client`; an event stream is read for `streamMs` and then closed. */
export async function send(
  client: ApiClient,
  baseUrl: string,
  token: string,
  operation: Operation,
  fill: RouteFill,
  ids: TenantObjects,
  streamMs = 1500,
): Promise<ApiResponse<unknown>> {
  const url = urlOf(operation, fill, ids);
  const body = fill.body?.(ids) ?? (['POST', 'PUT', 'PATCH'].includes(operation.method) ? {} : undefined);
  if (!fill.stream) return client.request(operation.method, url, body);
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}${url}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  let text = '';
  const timer = setTimeout(() => abort.abort(), streamMs);
  try {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
    }
  } catch {
    // aborted: the stream was read for long enough
  } finally {
    clearTimeout(timer);
  }
  const contentType = response.headers.get('content-type') ?? '';
  const parsed: unknown = /json/.test(contentType) ? JSON.parse(text) : text;
  return { status: response.status, contentType, headers: response.headers, body: parsed };
}

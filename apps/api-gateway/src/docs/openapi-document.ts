import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import {
  DocumentBuilder,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { PageQueryDto } from '../common/list-query.dto';
import { catalogueHandlers, HandlerFacts } from './route-catalogue';
import { SCHEMA_REF_PREFIX, validationSchemas } from './validation-schemas';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const PROBLEM = 'application/problem+json';
const BEARER = 'bearer';
const API_KEY = 'apiKey';

const problemSchema: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; every error has this shape.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', example: 'urn:envoy-fleet:problem:invalid-argument' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', example: 'INVALID_ARGUMENT' },
    instance: { type: 'string' },
    requestId: { type: 'string', description: 'the X-Request-Id of the request' },
    traceId: { type: 'string', description: 'the W3C trace id of the request' },
    errorId: { type: 'string', description: 'quote it when reporting a 500' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const responseHeaders = {
  'X-Request-Id': {
    description: 'the request id (the caller’s, when it sent a sane one), also in logs and problems',
    schema: { type: 'string' },
  },
  traceparent: { description: 'W3C trace context of the request’s server span', schema: { type: 'string' } },
  'X-Trace-Id': { description: 'the trace id alone', schema: { type: 'string' } },
};

/**
 * The OpenAPI 3 document of the API as the code declares it: routes, methods and path
 * parameters from Nest's explorer; bodies and queries from the class-validator DTOs; errors as
 * problem+json; bearer-token or API-key security where the auth guard sits.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Envoy Fleet API')
    .setDescription(
      'Control plane for fleets of Envoy proxies. Authenticate with a bearer token from ' +
        '`POST /v1/auth/token` (email and password, or an API key made at `/v1/api-keys`), or ' +
        'send the API key itself as `Authorization: Bearer <key>` or `X-Api-Key: <key>`.',
    )
    .setVersion('v1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT or API key',
        description: 'a token from POST /v1/auth/token, or an API key (fleet_<prefix>_<secret>) itself',
      },
      BEARER,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description: 'an API key made at /v1/api-keys, with its roles; revoked keys are refused',
      },
      API_KEY,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas: Record<string, SchemaObject> = { ...validationSchemas() };
  schemas['Problem'] = problemSchema;
  document.components = { ...document.components, schemas };
  const handlers = catalogueHandlers(app.get(ModulesContainer));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const facts = handlers.get(operation.operationId ?? '');
      enrich(path, method, operation, schemas, facts);
    }
  }
  document.components.schemas = referencedOnly(document, schemas);
  return document;
}

/** Only the schemas the document refers to (class-validator also knows the config classes). */
function referencedOnly(
  document: OpenAPIObject,
  schemas: Record<string, SchemaObject>,
): Record<string, SchemaObject> {
  const kept: Record<string, SchemaObject> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMA_REF_PREFIX)) {
        const name = child.slice(SCHEMA_REF_PREFIX.length);
        const schema = schemas[name];
        if (schema && !kept[name]) {
          kept[name] = schema;
          visit(schema);
        }
      } else visit(child);
    }
  };
  visit(document.paths);
  return kept;
}

function enrich(
  path: string,
  method: string,
  operation: OperationObject,
  schemas: Record<string, SchemaObject>,
  facts?: HandlerFacts,
): void {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string)) {
    if (!parameters.some((p) => p.in === 'path' && p.name === name)) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  const kept = parameters.filter((p) => p.in !== 'query');
  operation.parameters = [
    ...kept,
    ...(facts?.queryType ? queryParameters(schemas[facts.queryType.name]) : []),
  ];
  for (const header of facts?.headers ?? []) {
    operation.parameters.push({ name: header, in: 'header', required: false, schema: { type: 'string' } });
  }
  if (method === 'post' && facts?.authenticated) {
    operation.parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'repeating a POST with the same key and body within 24 h replays the first response',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  if (facts?.bodyType) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: { $ref: `${SCHEMA_REF_PREFIX}${facts.bodyType.name}` } } },
    };
  }
  // Either scheme (OpenAPI: alternatives are separate entries).
  if (facts?.authenticated) operation.security = [{ [BEARER]: [] }, { [API_KEY]: [] }];
  operation.responses = { ...successResponses(operation, facts), ...errorResponses(path, method, facts) };
}

function queryParameters(schema?: SchemaObject): ParameterObject[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property as SchemaObject,
    ...((property as SchemaObject).type === 'array' ? { style: 'form', explode: true } : {}),
  }));
}

function isList(facts?: HandlerFacts): boolean {
  const type = facts?.queryType;
  return type !== undefined && (type === PageQueryDto || type.prototype instanceof PageQueryDto);
}

function successResponses(operation: OperationObject, facts?: HandlerFacts): Record<string, ResponseObject> {
  const declared = Object.keys(operation.responses ?? {}).filter((status) => /^2\d\d$/.test(status));
  const statuses = declared.length > 0 ? declared : ['200'];
  return Object.fromEntries(
    statuses.map((status): [string, ResponseObject] => {
      if (status === '204') return [status, { description: 'No Content', headers: responseHeaders }];
      const schema: SchemaObject = isList(facts)
        ? {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: { type: 'array', items: { type: 'object' } },
              nextCursor: {
                type: 'string',
                nullable: true,
                description: 'pass as `cursor` for the next page; null on the last page',
              },
            },
          }
        : { type: 'object' };
      const description = status === '201' ? 'Created' : 'OK';
      return [status, { description, headers: responseHeaders, content: { 'application/json': { schema } } }];
    }),
  );
}

function errorResponses(path: string, method: string, facts?: HandlerFacts): Record<string, ResponseObject> {
  const statuses: Record<string, string> = {};
  const takesInput = path.includes('{') || facts?.queryType !== undefined || facts?.bodyType !== undefined;
  if (takesInput) statuses['400'] = 'a parameter or body field is invalid (named in `errors`)';
  if (facts?.authenticated) {
    statuses['401'] = 'missing, invalid or expired token, or an unknown or revoked API key';
    statuses['403'] = 'the token’s or API key’s roles do not allow this';
  }
  if (path.includes('{')) statuses['404'] = 'no such object in the caller’s tenant';
  if (method !== 'get') {
    statuses['409'] = 'conflicts with the current state (e.g. the name is taken, or still referenced)';
    statuses['412'] = 'If-Match does not match the object’s current ETag';
    statuses['422'] = 'valid JSON, but Envoy would reject the result, or the Idempotency-Key was reused';
  }
  statuses['429'] = 'over a quota or rate limit; see Retry-After';
  statuses['500'] = 'unexpected; quote `errorId`';
  const problem = { [PROBLEM]: { schema: { $ref: `${SCHEMA_REF_PREFIX}Problem` } } };
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, headers: responseHeaders, content: problem },
    ]),
  );
}

import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiTestApp } from './support/api-test-app';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** Served by plugins, not by the API's controllers: the docs themselves. */
const NOT_API = (url: string) => url.startsWith('/docs');

describe('OpenAPI document', () => {
  let api: ApiTestApp;
  let document: OpenAPIV3.Document;

  beforeAll(async () => {
    api = await ApiTestApp.start();
    const response = await api.client().get<OpenAPIV3.Document>('/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('lists every route and method Nest registered, and nothing else', () => {
    const registered = api.routes
      .filter((route) => !NOT_API(route.url) && !['HEAD', 'OPTIONS'].includes(route.method))
      .map((route) => `${route.method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item?.[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(registered.length).toBeGreaterThan(20);
    expect([...new Set(documented)].sort()).toEqual([...new Set(registered)].sort());
  });

  it('describes bodies and queries from the DTOs, security, and errors as problem+json', () => {
    const createCluster = document.paths['/v1/clusters']?.post as OpenAPIV3.OperationObject;
    const body = createCluster.requestBody as OpenAPIV3.RequestBodyObject;
    const ref = (body.content['application/json']?.schema as OpenAPIV3.ReferenceObject).$ref;
    const schema = document.components?.schemas?.[ref.split('/').pop() as string] as OpenAPIV3.SchemaObject;
    expect(schema.required).toContain('name');
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(['name', 'endpoints', 'lbPolicy']),
    );
    expect(createCluster.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(Object.keys(createCluster.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '409', '422']),
    );
    const problem = createCluster.responses['422'] as OpenAPIV3.ResponseObject;
    expect(problem.content?.['application/problem+json']).toBeDefined();

    const listClusters = document.paths['/v1/clusters']?.get as OpenAPIV3.OperationObject;
    const queryNames = (listClusters.parameters as OpenAPIV3.ParameterObject[])
      .filter((p) => p.in === 'query')
      .map((p) => p.name);
    expect(queryNames).toEqual(expect.arrayContaining(['limit', 'cursor', 'name', 'label', 'sort']));
    const getCluster = document.paths['/v1/clusters/{name}']?.get as OpenAPIV3.OperationObject;
    expect(getCluster.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'name', in: 'path', required: true })]),
    );
    const audit = document.paths['/v1/audit']?.get as OpenAPIV3.OperationObject;
    expect((audit.parameters as OpenAPIV3.ParameterObject[]).map((p) => p.name)).toEqual(
      expect.arrayContaining(['actor', 'kind', 'action', 'since', 'until', 'cursor', 'limit']),
    );
    const hook = document.paths['/v1/hooks/github']?.post as OpenAPIV3.OperationObject;
    expect(hook.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'x-hub-signature-256', in: 'header' })]),
    );
    const token = document.paths['/v1/auth/token']?.post as OpenAPIV3.OperationObject;
    expect(token.security).toBeUndefined();
    expect(document.components?.securitySchemes?.['bearer']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.components?.securitySchemes?.['apiKey']).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Api-Key',
    });
  });

  it('serves a browsable page at /docs with its assets from this server', async () => {
    const page = await api.client().get<string>('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(js|css)/);
    const bundle = await api.client().get<string>('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });
});

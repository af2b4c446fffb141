import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument } from './openapi-document';

/** Where the browsable docs and the raw OpenAPI document are served (no auth: they hold no data). */
export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs-json';

/** The Swagger UI files the page loads, served from the installed swagger-ui-dist (no CDN). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Envoy Fleet API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '${OPENAPI_JSON_PATH}',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

/**
 * Serves Swagger UI at `/docs` and the OpenAPI 3 document at `/docs-json`. The document is built
 * on first request, when every route exists, then kept: routes do not change while running.
 */
export function serveApiDocs(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map(
    Object.entries(ASSETS).map(([file, type]) => [file, { type, body: readFileSync(join(assetsDir, file)) }]),
  );
  let document: OpenAPIObject | undefined;
  fastify.get(OPENAPI_JSON_PATH, async (_request, reply) => {
    document ??= buildOpenApiDocument(app);
    return reply.type('application/json; charset=utf-8').send(document);
  });
  fastify.get(DOCS_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  fastify.get(`${DOCS_PATH}/init.js`, async (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(INIT),
  );
  fastify.get<{ Params: { file: string } }>(`${DOCS_PATH}/:file`, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).type('text/plain').send('not found');
    return reply.header('cache-control', 'public, max-age=86400').type(asset.type).send(asset.body);
  });
}

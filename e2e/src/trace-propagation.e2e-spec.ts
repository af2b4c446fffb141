import { RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { Metadata } from '@grpc/grpc-js';
import type * as Observability from '@envoy-fleet/observability';
import { createTestDatabase, pollUntil, RawAdsStream, TestDatabase } from '@envoy-fleet/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ApiClient } from '../support/api-client';
import { ADMIN, FLEET_JWT_SECRET } from '../support/fleet';
import { freePort } from '../support/fleet-processes';

// api-gateway and xds-server as Nest apps in this process (built, loaded by path as `npm start`
// does), so that their spans land in one in-memory exporter; real PostgreSQL and NATS between them.
const ROOT = resolve(__dirname, '..', '..');
const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const built = <T>(path: string): T => require(resolve(ROOT, 'dist', path)) as T;
const observability = built<typeof Observability>('libs/observability/src/index.js');
const definition = (app: string) => built<{ app: Observability.AppDefinition }>(`apps/${app}/src/app.js`).app;

describe('One trace from an API write through the outbox and NATS to the xDS push', () => {
  const exporter = new InMemorySpanExporter();
  let database: TestDatabase;
  const apps: NestFastifyApplication[] = [];
  let api: ApiClient;
  let xdsUri: string;

  beforeAll(async () => {
    observability.startTracing({ serviceName: 'e2e', exporter });
    database = await createTestDatabase();
    const xdsPort = await freePort();
    xdsUri = `127.0.0.1:${xdsPort}`;
    const common = {
      DATABASE_URL: database.appUrl,
      NATS_URL,
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
    };
    const started = await observability.startApp(
      definition('api-gateway'),
      {
        ...common,
        JWT_SECRET: FLEET_JWT_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        OUTBOX_POLL_INTERVAL_MS: '200',
        XDS_ADVERTISED_ADDRESS: xdsUri,
      },
      { shutdownHooks: false },
    );
    apps.push(started.app);
    const xds = await observability.startApp(
      definition('xds-server'),
      {
        ...common,
        XDS_PORT: String(xdsPort),
        XDS_HOST: '127.0.0.1',
        XDS_CSDS_PORT: '-1',
        XDS_PUSH_QUIET_MS: '50',
      },
      { shutdownHooks: false },
    );
    apps.push(xds.app);
    api = new ApiClient(await started.app.getUrl());
  }, 60_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await database?.drop();
  });

  it('covers the HTTP request in api-gateway, the outbox publish, the NATS consume in xds-server and the push', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const owner = { email: 'owner@traced.test', password: 'traced-owner-password' };
    expect((await admin.post('/v1/tenants', { name: 'traced', owner })).status).toBe(201);
    const token = await accessToken(await apps[0].getUrl(), owner);
    const tenant = api.withToken(token);
    const proxy = await tenant.post<{ id: string }>('/v1/proxies', { nodeId: 'traced-node' });
    const bootstrap = await tenant.get<{ node: { metadata: Record<string, string> } }>(
      `/v1/proxies/${proxy.body.id}/bootstrap?client=grpc`,
    );
    const node = { id: 'traced-node', metadata: bootstrap.body.node.metadata };
    const connectTrace = randomBytes(16).toString('hex');
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${connectTrace}-${randomBytes(8).toString('hex')}-01`);
    const stream = new RawAdsStream(xdsUri, metadata);
    try {
      stream.send({ node, typeUrl: RESOURCE_TYPE_URLS.cluster });
      const first = await stream.next();
      stream.send({
        node,
        typeUrl: RESOURCE_TYPE_URLS.cluster,
        versionInfo: first.versionInfo,
        responseNonce: first.nonce,
      });

      const traceId = randomBytes(16).toString('hex');
      const callerSpanId = randomBytes(8).toString('hex');
      const write = await fetch(`${await apps[0].getUrl()}/v1/clusters`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          traceparent: `00-${traceId}-${callerSpanId}-01`,
        },
        body: JSON.stringify({ name: 'traced-backend', endpoints: [{ address: '127.0.0.1', port: 9000 }] }),
      });
      expect(write.status).toBe(201);
      expect((await stream.next()).resources).toHaveLength(1);

      const spans = await pollUntil(
        async () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId),
        (found) => found.some((span) => span.name === 'xds push'),
      );
      const named = (name: string) => spans.find((span) => span.name === name);
      const request = named('POST /v1/clusters');
      const publish = named('publish fleet.config.updated');
      const push = named('xds push');
      const consume = spans.find((span) => span.spanContext().spanId === push?.parentSpanContext?.spanId);
      expect(request).toMatchObject({ kind: SpanKind.SERVER, attributes: { 'fleet.app': 'api-gateway' } });
      expect(request?.parentSpanContext?.spanId).toBe(callerSpanId);
      expect(publish).toMatchObject({ kind: SpanKind.PRODUCER });
      expect(publish?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
      expect(consume).toMatchObject({ kind: SpanKind.CONSUMER, name: 'consume fleet.config.updated' });
      expect(parentOf(consume, spans)).toBe(publish);
      expect(push?.attributes).toMatchObject({ 'fleet.app': 'xds-server', 'xds.proxies': 1 });
      expect(push?.attributes['xds.types']).toContain('cluster');

      const admission = exporter
        .getFinishedSpans()
        .find((span) => span.spanContext().traceId === connectTrace);
      expect(admission).toMatchObject({
        name: 'xds stream admit',
        attributes: { 'xds.node_id': 'traced-node' },
      });
    } finally {
      stream.close();
    }
  });
});

async function accessToken(baseUrl: string, login: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

function parentOf(span: ReadableSpan | undefined, spans: ReadableSpan[]): ReadableSpan | undefined {
  return spans.find((candidate) => candidate.spanContext().spanId === span?.parentSpanContext?.spanId);
}

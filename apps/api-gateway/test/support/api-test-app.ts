import { randomBytes } from 'node:crypto';
import { loadConfig } from '@envoy-fleet/config';
import { startTracing, traceHttpRequests } from '@envoy-fleet/observability';
import { createTestDatabase, TestDatabase } from '@envoy-fleet/testing';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiConfig } from '../../src/api-config';
import { AppModule } from '../../src/app.module';
import { configureApi } from '../../src/configure-api';

const ADMIN_PASSWORD = 'api-test-admin-password';

/** A response as a test reads it. */
export interface TestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A client of the API under test, optionally with a bearer token. */
export class TestClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  withToken(token: string): TestClient {
    return new TestClient(this.baseUrl, token);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TestResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = unknown>(path: string, headers?: Record<string, string>): Promise<TestResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse<T>> {
    return this.request<T>('PUT', path, body, headers);
  }

  async login(email: string, password: string): Promise<TestClient> {
    const response = await this.post<{ accessToken: string }>('/v1/auth/token', { email, password });
    if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
    return this.withToken(response.body.accessToken);
  }
}

/** api-gateway in this process on a throw-away database, with the routes Fastify registered. */
export class ApiTestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly database: TestDatabase,
    readonly routes: { method: string; url: string }[],
    readonly baseUrl: string,
    /** The platform admin's email: each app its own, since login attempts are counted per account in the shared Redis. */
    readonly adminEmail: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ApiTestApp> {
    const database = await createTestDatabase();
    const adminEmail = `admin-${randomBytes(4).toString('hex')}@api.test`;
    const config = loadConfig(ApiConfig, {
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DATABASE_URL: database.appUrl,
      NATS_URL: process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222',
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      JWT_SECRET: 'api-test-secret',
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...env,
    });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forConfig(config),
      new FastifyAdapter(),
      { logger: ['error', 'warn'] },
    );
    const routes: { method: string; url: string }[] = [];
    // As startApp does: the process's tracer, and a server span per request.
    startTracing({ serviceName: 'api-gateway-test' });
    const fastify = app.getHttpAdapter().getInstance();
    traceHttpRequests(fastify, 'api-gateway');
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    await configureApi(app);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new ApiTestApp(app, database, routes, `http://127.0.0.1:${address.port}`, adminEmail);
  }

  client(): TestClient {
    return new TestClient(this.baseUrl);
  }

  admin(): Promise<TestClient> {
    return this.client().login(this.adminEmail, ADMIN_PASSWORD);
  }

  /** A new tenant and a client logged in as its owner. */
  async tenantOwner(name: string): Promise<{ tenantId: string; owner: TestClient }> {
    const admin = await this.admin();
    const owner = { email: `owner@${name}.test`, password: `${name}-owner-password` };
    const created = await admin.post<{ id: string }>('/v1/tenants', { name, owner });
    if (created.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(created.body)}`);
    return { tenantId: created.body.id, owner: await this.client().login(owner.email, owner.password) };
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.database.drop();
  }
}

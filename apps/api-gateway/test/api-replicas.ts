import { loadConfig } from '@envoy-fleet/config';
import { createTestDatabase, TestDatabase } from '@envoy-fleet/testing';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { ApiConfig } from '../src/api-config';
import { AppModule } from '../src/app.module';
import { configureApi } from '../src/configure-api';
import { TestClient } from './support/api-test-app';

// Each set of replicas its own admin: login attempts are counted per account in the shared Redis.
const ADMIN = {
  email: `admin-${randomBytes(4).toString('hex')}@replicas.test`,
  password: 'replicas-admin-password',
};

/**
 * api-gateway replicas in this process, as production runs them: one throw-away database, and the
 * real NATS JetStream and Redis shared by all of them.
 */
export class ApiReplicas {
  private constructor(
    readonly database: TestDatabase,
    readonly apps: NestFastifyApplication[],
    readonly urls: string[],
  ) {}

  static async start(count: number, env: Record<string, string> = {}): Promise<ApiReplicas> {
    const database = await createTestDatabase();
    const apps: NestFastifyApplication[] = [];
    const urls: string[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const app = await startReplica(database, env);
        apps.push(app);
        urls.push(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
      }
    } catch (error) {
      await Promise.all(apps.map((app) => app.close()));
      await database.drop();
      throw error;
    }
    return new ApiReplicas(database, apps, urls);
  }

  client(replica = 0): TestClient {
    return new TestClient(this.urls[replica]);
  }

  admin(replica = 0): Promise<TestClient> {
    return this.client(replica).login(ADMIN.email, ADMIN.password);
  }

  /** A new tenant (random name) and its owner's token, which every replica accepts. */
  async tenantOwner(prefix: string): Promise<{ tenantId: string; token: string }> {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    const admin = await this.admin();
    const owner = { email: `owner@${name}.test`, password: `${name}-owner-password` };
    const created = await admin.post<{ id: string }>('/v1/tenants', { name, owner });
    if (created.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(created.body)}`);
    const response = await this.client().post<{ accessToken: string }>('/v1/auth/token', owner);
    return { tenantId: created.body.id, token: response.body.accessToken };
  }

  async stop(): Promise<void> {
    await Promise.all(this.apps.map((app) => app.close()));
    await this.database.drop();
  }
}

async function startReplica(
  database: TestDatabase,
  env: Record<string, string>,
): Promise<NestFastifyApplication> {
  const config = loadConfig(ApiConfig, {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    DATABASE_URL: database.appUrl,
    NATS_URL: process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222',
    REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    JWT_SECRET: 'replicas-test-secret',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    OUTBOX_POLL_INTERVAL_MS: '50',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config),
    new FastifyAdapter(),
    {
      logger: ['error', 'warn'],
    },
  );
  await configureApi(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

import { loadConfig } from '@envoy-fleet/config';
import { startHttpApp } from '@envoy-fleet/observability';
import { ApiConfig } from './api-config';
import { AppModule } from './app.module';
import { configureApi } from './configure-api';

async function main(): Promise<void> {
  const config = loadConfig(ApiConfig, process.env);
  await startHttpApp(AppModule.forConfig(config), {
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
    configure: configureApi,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { loadConfig } from '@envoy-fleet/config';
import { startHttpApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { XdsConfig } from './xds-config';

async function main(): Promise<void> {
  const config = loadConfig(XdsConfig, process.env);
  await startHttpApp(AppModule.forConfig(config), {
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { runApp } from '@envoy-fleet/observability';
import { AppModule } from './app.module';
import { WebhookConfig } from './webhook-config';

runApp(WebhookConfig, (config) => AppModule.forConfig(config));
